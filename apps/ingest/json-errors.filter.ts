import type { NextFunction, Request, Response } from 'express';

/**
 * Express error middleware for body parsing: malformed JSON → 400 and an
 * oversized body → 413, each with a one-line message naming the problem
 * (instead of Express's HTML page).
 */
export function jsonErrors(err: any, _req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  if (err.type === 'entity.too.large') {
    res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `body is ${err.length} bytes; the limit is ${err.limit} bytes (ITEM_MAX_BYTES)` });
    return;
  }
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', field: '(document)', message: `malformed JSON: ${err.message}` });
    return;
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: err.message });
    return;
  }
  next(err);
}
