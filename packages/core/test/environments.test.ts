import { describe, expect, it } from 'vitest';
import { acceptsApiDomain } from '../src/engine/environments.js';
import {
  AUDataCenter,
  CADataCenter,
  CNDataCenter,
  DataCenter,
  EUDataCenter,
  INDataCenter,
  JPDataCenter,
  SADataCenter,
  USDataCenter,
  ZOHO_DATA_CENTERS,
  customEnvironment,
  zohoEnvironment,
  type ZohoDataCenterCode,
} from '../src/index.js';

const EXPECTED: Record<ZohoDataCenterCode, [accounts: string, apiSuffix: string]> = {
  US: ['https://accounts.zoho.com', 'com'],
  EU: ['https://accounts.zoho.eu', 'eu'],
  IN: ['https://accounts.zoho.in', 'in'],
  CN: ['https://accounts.zoho.com.cn', 'com.cn'],
  JP: ['https://accounts.zoho.jp', 'jp'],
  AU: ['https://accounts.zoho.com.au', 'com.au'],
  CA: ['https://accounts.zohocloud.ca', 'ca'],
  SA: ['https://accounts.zoho.sa', 'sa'],
};

describe('Zoho environments', () => {
  it('has all eight data centers', () => {
    expect(Object.keys(ZOHO_DATA_CENTERS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [code, [accounts, suffix]] of Object.entries(EXPECTED) as [ZohoDataCenterCode, [string, string]][]) {
    it(`${code}: production, sandbox and developer`, () => {
      for (const [kind, host] of [['production', 'www'], ['sandbox', 'sandbox'], ['developer', 'developer']] as const) {
        const env = zohoEnvironment(code, kind);
        expect(env).toMatchObject({
          name: `zoho:${code}:${kind}`,
          tokenEndpoint: `${accounts}/oauth/v2/token`,
          revocationEndpoint: `${accounts}/oauth/v2/token/revoke`,
          apiUrl: `https://${host}.zohoapis.${suffix}`,
          accountsUrl: accounts,
          authorizationScheme: 'Zoho-oauthtoken',
          preferTokenApiDomain: kind === 'production',
          dataCenter: code,
          kind,
        });
        expect(Object.isFrozen(env)).toBe(true);
      }
      expect(DataCenter[code].PRODUCTION()).toBe(zohoEnvironment(code));
      expect(DataCenter[code].SANDBOX()).toBe(zohoEnvironment(code, 'sandbox'));
      expect(DataCenter[code].DEVELOPER()).toBe(zohoEnvironment(code, 'developer'));
    });
  }

  it('has Zoho-SDK style accessors', () => {
    expect(USDataCenter.PRODUCTION().apiUrl).toBe('https://www.zohoapis.com');
    expect(EUDataCenter.SANDBOX().apiUrl).toBe('https://sandbox.zohoapis.eu');
    expect(INDataCenter.DEVELOPER().apiUrl).toBe('https://developer.zohoapis.in');
    expect(CNDataCenter.PRODUCTION().tokenEndpoint).toBe('https://accounts.zoho.com.cn/oauth/v2/token');
    expect(JPDataCenter.PRODUCTION().apiUrl).toBe('https://www.zohoapis.jp');
    expect(AUDataCenter.PRODUCTION().apiUrl).toBe('https://www.zohoapis.com.au');
    expect(CADataCenter.PRODUCTION().tokenEndpoint).toBe('https://accounts.zohocloud.ca/oauth/v2/token');
    expect(SADataCenter.PRODUCTION().apiUrl).toBe('https://www.zohoapis.sa');
  });

  it('rejects unknown data centers and kinds', () => {
    expect(() => zohoEnvironment('XX' as ZohoDataCenterCode)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => zohoEnvironment('US', 'staging' as 'production')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('customEnvironment', () => {
  it('describes any RFC 6749 server, Bearer by default', () => {
    const env = customEnvironment({ tokenEndpoint: 'https://idp.example/token', revocationEndpoint: 'https://idp.example/revoke', apiUrl: 'https://api.example' });
    expect(env).toEqual({
      name: 'custom',
      tokenEndpoint: 'https://idp.example/token',
      revocationEndpoint: 'https://idp.example/revoke',
      apiUrl: 'https://api.example',
      authorizationScheme: 'Bearer',
      preferTokenApiDomain: false,
      allowInsecureHttp: false,
    });
    expect(customEnvironment({ tokenEndpoint: 'https://idp.example/token' })).toMatchObject({ revocationEndpoint: undefined, apiUrl: undefined, preferTokenApiDomain: true });
  });

  it('requires https except on loopback', () => {
    expect(customEnvironment({ tokenEndpoint: 'http://127.0.0.1:8080/token' }).tokenEndpoint).toBe('http://127.0.0.1:8080/token');
    expect(customEnvironment({ tokenEndpoint: 'http://localhost/token' }).tokenEndpoint).toBe('http://localhost/token');
    expect(() => customEnvironment({ tokenEndpoint: 'http://idp.example/token' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(customEnvironment({ tokenEndpoint: 'http://idp.internal/token', allowInsecureHttp: true }).tokenEndpoint).toBe('http://idp.internal/token');
  });

  it('judges a server-provided api_domain by the same rules as a configured URL', () => {
    const strict = customEnvironment({ tokenEndpoint: 'https://idp.example/token' });
    const insecure = customEnvironment({ tokenEndpoint: 'https://idp.example/token', allowInsecureHttp: true });
    const urls = ['https://api.example', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:1', 'http://127.0.0.2:8080', 'http://api.example', 'ftp://api.example', 'https://u:p@api.example', 'not a url', ''];
    for (const env of [strict, insecure, zohoEnvironment('EU')]) {
      for (const url of urls) {
        let configurable = true;
        try {
          customEnvironment({ tokenEndpoint: 'https://idp.example/token', apiUrl: url, allowInsecureHttp: env.allowInsecureHttp === true });
        } catch {
          configurable = false;
        }
        expect([env.name, url, acceptsApiDomain(env, url)]).toEqual([env.name, url, configurable]);
      }
    }
    expect(acceptsApiDomain(strict, 'http://127.0.0.2:8080')).toBe(false);
    expect(acceptsApiDomain(insecure, 'http://127.0.0.2:8080')).toBe(true);
  });

  it('rejects bad URLs, credentials in URLs and unknown schemes', () => {
    for (const bad of ['', 'not a url', 'ftp://idp.example/token', 'https://user:pw@idp.example/token']) {
      expect(() => customEnvironment({ tokenEndpoint: bad })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => customEnvironment({ tokenEndpoint: 'https://idp.example/token', authorizationScheme: 'Basic' as 'Bearer' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
