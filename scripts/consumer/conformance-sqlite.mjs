// `tokenstore-conformance conformance-sqlite.mjs`: the suite on the packed SQLiteStore and this
// project's better-sqlite3.
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { fileBackedOptions } from './file-backed.mjs';

export default fileBackedOptions('SQLiteStore (packed)', (filename) => new SQLiteStore({ filename }), '.db');
