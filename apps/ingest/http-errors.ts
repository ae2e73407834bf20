import { BadRequestException, ConflictException, HttpException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { ItemVersionConflictError, MessageTooLargeError } from './ingest.service';
import { DocumentTooLargeError, NormalizationError } from '@timeline/feeds';
import { InvalidEventError } from '@timeline/events';
import { JetStreamPublishError } from '@timeline/messaging';

/**
 * Map an ingest error to its HTTP answer (one-line `message` each):
 * ItemVersionConflictError → 409, DocumentTooLargeError / MessageTooLargeError → 413, NormalizationError / InvalidEventError → 400
 * naming the `field`, JetStreamPublishError → 503; anything else is rethrown (500).
 */
export function toHttpError(err: unknown): HttpException {
  if (err instanceof ItemVersionConflictError) {
    return new ConflictException({ statusCode: 409, error: 'Conflict', message: err.message });
  }
  if (err instanceof DocumentTooLargeError || err instanceof MessageTooLargeError) {
    return new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message: err.message });
  }
  if (err instanceof NormalizationError || err instanceof InvalidEventError) {
    const field = err instanceof NormalizationError ? err.field : err.path;
    return new BadRequestException({ statusCode: 400, error: 'Bad Request', field, message: err.message });
  }
  if (err instanceof JetStreamPublishError) {
    return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: err.message });
  }
  throw err;
}
