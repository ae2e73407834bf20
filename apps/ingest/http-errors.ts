import { BadRequestException, HttpException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { DocumentTooLargeError, NormalizationError } from '@timeline/feeds';
import { InvalidEventError } from '@timeline/events';
import { JetStreamPublishError } from '@timeline/messaging';

/**
 * Map an ingest error to its HTTP answer (one-line `message` each):
 * DocumentTooLargeError → 413, NormalizationError / InvalidEventError → 400
 * naming the `field`, JetStreamPublishError → 503; anything else is rethrown (500).
 */
export function toHttpError(err: unknown): HttpException {
  if (err instanceof DocumentTooLargeError) {
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
