import { randomBytes } from 'node:crypto';
import { exportPKCS8, generateKeyPair, type CryptoKey } from 'jose';
/** A key file as Google's console downloads it (kept apart from src: the fake knows no product code). */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

/** A fresh RSA key pair and the key file for it, with token_uri pointing at the fake. */
export async function makeServiceAccountKey(
  tokenUri: string,
  clientEmail: string,
): Promise<{ key: ServiceAccountKeyFile; publicKey: CryptoKey }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const key: ServiceAccountKeyFile = {
    type: 'service_account',
    project_id: 'leadsync-test',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: await exportPKCS8(privateKey),
    client_email: clientEmail,
    client_id: '100000000000000000001',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUri,
  };
  return { key, publicKey };
}
