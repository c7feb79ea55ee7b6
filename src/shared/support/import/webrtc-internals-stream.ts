/**
 * A webrtc-internals dump read as a stream of text: the JSON is tokenized as it arrives and only
 * the parts the importer reads are built — each `updateLog` entry, each stats series, each
 * `getUserMedia` entry, the URL and user agent — and handed to {@link WebrtcInternalsImport} one at
 * a time; everything else is checked for syntax and dropped. The records are those of
 * {@link importWebrtcInternals} on the parsed dump, with two differences only a hand-made file can
 * show: a member repeated in one object is read each time (`JSON.parse` keeps the last), and peer
 * connections named like array indices keep dump order (`JSON.parse` lists those first).
 */
import type { ImportOptions, ImportResult } from './build';
import { JsonTokenizer, JsonTokenTooLongError } from './json-tokenizer';
import { JsonWalker, type JsonKind, type JsonPathKey, type JsonRoute, type JsonRouter } from './json-walker';
import { SupportOpenError } from './errors';
import { WebrtcInternalsImport, notAWebrtcInternalsDump } from './webrtc-internals';

/** Options of {@link importWebrtcInternalsStream}. */
export interface StreamImportOptions extends ImportOptions {
  /** The longest single JSON value held while reading (see `JsonTokenizerOptions.maxTokenChars`). */
  maxTokenChars?: number;
}

/** Routes a dump's values to a {@link WebrtcInternalsImport}. */
class DumpRouter implements JsonRouter {
  readonly dumpImport: WebrtcInternalsImport;
  /** A `PeerConnections` object was seen at the top. */
  sawPeerConnections = false;
  userAgent: unknown = undefined;

  constructor(options: ImportOptions) {
    this.dumpImport = new WebrtcInternalsImport(options, 'figures');
  }

  route(path: readonly JsonPathKey[], kind: JsonKind): JsonRoute {
    const [section, pcKey, part] = path;
    switch (path.length) {
      case 0:
        return kind === 'object' ? 'descend' : 'skip';
      case 1:
        if (section === 'PeerConnections' && kind === 'object') {
          this.sawPeerConnections = true;
          return 'descend';
        }
        if (section === 'getUserMedia' && kind === 'array') return 'descend';
        return section === 'UserAgent' && kind === 'primitive' ? 'take' : 'skip';
      case 2:
        if (section !== 'PeerConnections') return 'take'; // a getUserMedia entry
        if (kind !== 'object') {
          this.dumpImport.skipPc(String(pcKey));
          return 'skip';
        }
        this.dumpImport.beginPc(String(pcKey));
        return 'descend';
      case 3:
        if (part === 'url') return kind === 'primitive' ? 'take' : 'skip';
        if (part === 'updateLog') return kind === 'array' ? 'descend' : 'skip';
        return part === 'stats' && kind === 'object' ? 'descend' : 'skip';
      default:
        return 'take'; // an updateLog entry or a stats series
    }
  }

  take(path: readonly JsonPathKey[], value: unknown): void {
    const [section, , part, member] = path;
    if (path.length === 1) this.userAgent = value;
    else if (section === 'getUserMedia') this.dumpImport.getUserMediaEntry(value);
    else if (path.length === 3) this.dumpImport.pcUrl(value);
    else if (part === 'updateLog') this.dumpImport.updateLogEntry(value);
    else this.dumpImport.statsSeries(String(member), value);
  }

  leave(path: readonly JsonPathKey[]): void {
    if (path.length === 2 && path[0] === 'PeerConnections') this.dumpImport.endPc();
  }
}

/**
 * Imports a webrtc-internals dump from its text in pieces (see the file comment). Throws
 * `JsonSyntaxError` for text that is not JSON, {@link SupportOpenError} `WRONG_FORMAT` for JSON
 * that is not a dump, `TOO_LARGE` past `options.maxRecords` or for a value past the token cap.
 */
export async function importWebrtcInternalsStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: StreamImportOptions = {},
): Promise<ImportResult> {
  const router = new DumpRouter(options);
  const tokenizer = new JsonTokenizer(new JsonWalker(router), {
    ...(options.maxTokenChars === undefined ? {} : { maxTokenChars: options.maxTokenChars }),
  });
  try {
    for await (const chunk of chunks) tokenizer.write(chunk);
    tokenizer.end();
  } catch (e) {
    if (e instanceof JsonTokenTooLongError)
      throw new SupportOpenError(
        'TOO_LARGE',
        `This dump holds a single value longer than ${e.maxTokenChars} characters (at character ${e.position}); no webrtc-internals dump needs one, so it was not opened.`,
        { cause: e },
      );
    throw e;
  }
  if (!router.sawPeerConnections) throw notAWebrtcInternalsDump();
  return router.dumpImport.finish(router.userAgent);
}
