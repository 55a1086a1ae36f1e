import { z } from 'zod';

/**
 * Text a person types (a name, a dispute's note), trimmed, 1 to `max` characters: no control characters and no
 * lone surrogates. Neither is anything a person means, and the databases disagree about them (PostgreSQL refuses
 * NUL in text). It is stored and shown as text, never as markup.
 */
export const typedTextSchema = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !/[\p{Cc}\p{Cs}]/u.test(text), `${what} holds no control characters`);
