// Vietnamese dates and numbers live in the domain layer (src/domain/vi-format.ts), which pages,
// emails, exports and the figure checks all use; the portal's modules keep importing them here.
export * from "../domain/vi-format";
