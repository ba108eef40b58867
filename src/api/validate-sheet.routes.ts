import { Type } from 'typebox';
import type { App, AppContext } from './context.js';
import { ErrorSchema, NonBlankText, withErrors } from './schemas.js';
import { validateSheet } from './sheet-validation.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** `POST /api/customers/validate-sheet`: downloads and reads a sheet as a sync would, and writes nothing. */
export function registerValidateSheetRoute(app: App, ctx: AppContext): void {
  app.post(
    '/api/customers/validate-sheet',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['customers'],
        body: Type.Object(
          {
            sheetUrl: NonBlankText({ maxLength: 2000 }),
            keyColumn: Type.Optional(Type.Union([NonBlankText({ maxLength: 200 }), Type.Null()])),
            dateOrder: Type.Optional(Type.Union([Type.Literal('DMY'), Type.Literal('MDY')])),
          },
          { additionalProperties: false },
        ),
        response: withErrors({
          200: Type.Object({
            sourceKind: Type.String(),
            headerRow: Type.Integer(),
            headers: Type.Array(Type.String()),
            mappedFields: Type.Record(Type.String(), Type.String()),
            identity: Type.String(),
            rowCount: Type.Integer(),
            sample: Type.Array(
              Type.Object({
                key: Type.String(),
                sheetRow: Type.Integer(),
                values: Type.Record(Type.String(), Nullable(Type.String()), {
                  description: 'The lead’s fields (fullName, email, …), as a sync would store them',
                }),
                cells: Type.Record(Type.String(), Type.String(), {
                  description: 'The row’s cells by sheet header, as the sheet shows them',
                }),
              }),
            ),
          }),
          422: ErrorSchema,
          429: ErrorSchema,
        }),
      },
    },
    async (request) => {
      // Each validation is a download of up to the size limit: limited per token, not just per IP.
      await ctx.limits.validate(request);
      const { sheetUrl, keyColumn, dateOrder } = request.body;
      return validateSheet(
        sheetUrl,
        { keyColumn: keyColumn ?? null, dateOrder: dateOrder ?? 'DMY', fieldOverrides: {} },
        ctx.config,
        ctx.sourceFor,
      );
    },
  );
}
