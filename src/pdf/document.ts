/**
 * Opening a PDF through the runtime's driver, with every pdf.js failure mapped to a typed error, and
 * reading its metadata.
 */
import type { DocumentMetadata } from '../model/document.js';
import type { PDFDocumentProxy, PdfDriver } from '../ports/parsing.js';
import { DocinlineError } from '../errors.js';

/** pdf.js signals a password problem with name "PasswordException" and code 1 (needed) or 2 (wrong). */
function passwordError(e: unknown, triedPassword: boolean): DocinlineError | null {
  const err = e as { name?: string; code?: number } | null;
  if (!err || err.name !== 'PasswordException') return null;
  if (err.code === 2 || triedPassword) {
    return new DocinlineError('incorrect_password', 'The PDF is encrypted and the password given is not correct.', { param: 'password', cause: e });
  }
  return new DocinlineError('password_required', 'The PDF is encrypted with a password; pass one with the "password" option.', { param: 'password', cause: e });
}

/** True when the file lacks the end-of-file marker near its end: a download cut short. */
export function looksTruncated(bytes: Uint8Array): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048));
  let s = '';
  for (let i = 0; i < tail.length; i++) s += String.fromCharCode(tail[i]);
  return !s.includes('%%EOF');
}

export function documentError(e: unknown, bytes: Uint8Array): DocinlineError {
  if (e instanceof DocinlineError) return e;
  if (looksTruncated(bytes)) {
    return new DocinlineError('truncated_document', 'The PDF is truncated (it ends before its end-of-file marker) and could not be read.', { cause: e });
  }
  return new DocinlineError('invalid_document', 'The PDF is corrupt and could not be read.', { cause: e });
}

export async function openPdf(driver: PdfDriver, bytes: Uint8Array, password: string | undefined, signal: AbortSignal, onFatal?: (error: Error) => void): Promise<PDFDocumentProxy> {
  try {
    // pdf.js tries the empty user password by itself, so documents with only an owner password open.
    // pdf.js takes ownership of (and may detach) the buffer it is given: it gets a copy, so the caller's
    // bytes stay usable (and readable here for diagnosing a failure). The copy is a plain Uint8Array:
    // pdf.js refuses subclasses such as Node's Buffer, whose slice() would also share the memory.
    return await driver.open(new Uint8Array(bytes), { password, signal, onFatal });
  } catch (e) {
    if (signal.aborted) throw e;
    const pw = passwordError(e, password !== undefined && password !== '');
    if (pw) throw pw;
    throw documentError(e, bytes);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export async function readMetadata(doc: PDFDocumentProxy): Promise<DocumentMetadata> {
  try {
    const { info, metadata } = (await doc.getMetadata()) as unknown as { info?: Record<string, unknown>; metadata?: { get(k: string): unknown } | null };
    const md: DocumentMetadata = {};
    const title = str(metadata?.get('dc:title')) ?? str(info?.Title);
    if (title) md.title = title;
    const author = str(info?.Author) ?? str(metadata?.get('dc:creator'));
    if (author) md.author = author;
    const subject = str(info?.Subject);
    if (subject) md.subject = subject;
    const creator = str(info?.Creator);
    if (creator) md.creator = creator;
    const producer = str(info?.Producer);
    if (producer) md.producer = producer;
    const language = str(info?.Language) ?? str(metadata?.get('dc:language'));
    if (language) md.language = language;
    return md;
  } catch {
    // Broken metadata never makes a readable document unreadable.
    return {};
  }
}
