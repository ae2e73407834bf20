import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * body-parser `verify` hook for JSON bodies: JSON exchanged between systems
 * is UTF-8 (RFC 8259 §8.1), and a body in another encoding (Latin-1 bytes
 * sent as application/json) would otherwise be decoded with U+FFFD in place
 * of each bad byte and stored that way for good.
 * @throws an error of type `encoding.invalid` (answered 400 by jsonErrors).
 */
export function requireUtf8(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  if (isUtf8(buf)) return;
  throw Object.assign(new Error('body is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259), or post the item as XML with its encoding declared'), {
    type: 'encoding.invalid',
    status: 400,
  });
}

/**
 * Express error middleware for body parsing: malformed JSON → 400 and an
 * oversized body → 413 (naming ITEM_MAX_BYTES or FEED_MAX_BYTES), each with a one-line message naming the problem
 * (instead of Express's HTML page).
 */
export function jsonErrors(err: any, req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  if (err.type === 'entity.too.large') {
    // JSON items are parsed under ITEM_MAX_BYTES; feeds and raw XML/HTML documents are read under FEED_MAX_BYTES.
    const setting = (req.originalUrl ?? '').startsWith('/feeds') || !/json/i.test(String(req.headers['content-type'] ?? '')) ? 'FEED_MAX_BYTES' : 'ITEM_MAX_BYTES';
    res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `body is ${err.length} bytes; the limit is ${err.limit} bytes (${setting})` });
    return;
  }
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', field: '(document)', message: `malformed JSON: ${err.message}` });
    return;
  }
  if (err.type === 'encoding.invalid') {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', field: '(document)', message: err.message });
    return;
  }
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: err.message });
    return;
  }
  next(err);
}
