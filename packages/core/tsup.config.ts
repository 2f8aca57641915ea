import { packageConfig } from '../../tsup.base';

// Two entries: `@tokenstore/core` (applications) and `@tokenstore/core/store-kit` (store authors).
// Split into shared chunks, so both entries hand out the very same classes (OAuthToken,
// TokenStoreError, ...): `instanceof` holds across them, in ESM and in CJS.
export default packageConfig(['src/index.ts', 'src/store-kit.ts'], { splitting: true });
