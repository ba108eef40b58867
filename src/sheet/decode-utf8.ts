/**
 * Decodes a byte stream as UTF-8 text. One streaming TextDecoder for the whole body: decoding
 * each chunk on its own (`chunk.toString()`) turns a character whose bytes straddle two chunks
 * into two U+FFFD replacement characters, which silently corrupts names such as José or 王.
 * A leading BOM is dropped (TextDecoder's default); malformed bytes become U+FFFD, never an error.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
