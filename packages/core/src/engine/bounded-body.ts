/**
 * Reads a response body with a size limit. An authorization server's answers are a few hundred bytes;
 * reading an unbounded body (`response.text()`) let a broken or hostile endpoint grow the process by
 * the size of whatever it streamed (a 256 MiB body added ~800 MiB RSS). Past the limit the stream is
 * cancelled and the answer refused.
 */
import { InvalidTokenResponseError } from './oauth-errors.js';

/** No token, error or revocation answer is larger than this. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export async function readBoundedText(response: Response, what: string, limit = MAX_RESPONSE_BYTES): Promise<string> {
  const tooLarge = () => new InvalidTokenResponseError(`${what} answer is larger than ${limit} bytes; refused`, { status: response.status });
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // As response.text() does: UTF-8, malformed sequences replaced rather than thrown.
  return new TextDecoder().decode(bytes);
}
