// `tokenstore-conformance conformance-file.mjs`: the suite on the packed FileStore.
import { FileStore } from '@tokenstore/store-file';
import { fileBackedOptions } from './file-backed.mjs';

export default fileBackedOptions('FileStore (packed)', (path) => new FileStore({ path }), '.json');
