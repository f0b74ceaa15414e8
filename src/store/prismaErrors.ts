import { Prisma } from '@prisma/client';

/** A unique index refused the write (Prisma P2002): somebody else got there first. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
