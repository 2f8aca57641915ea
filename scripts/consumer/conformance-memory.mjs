// `tokenstore-conformance conformance-memory.mjs`: the packed conformance CLI and suite under this
// project's vitest, on core's MemoryStore (no I/O: what is checked is the suite's packaging).
import { MemoryStore } from '@tokenstore/core';

export default { name: 'MemoryStore (packed)', createStore: async () => new MemoryStore() };
