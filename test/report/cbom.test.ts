/**
 * CycloneDX CBOM output (core/report/cbom.ts): valid against bom-1.6 and bom-1.7 (with spdx,
 * jsf and the cryptography-defs registry) on every sample and a few public captures; content
 * checks for protocols, algorithms, quantum security levels and dependencies.
 */
import { describe, expect, it } from 'vitest';
import { toCbom } from '../../core/report/cbom.js';
import { cipherAlgorithm, sshKexAlgorithm, suiteIdentifiers } from '../../core/report/cbom-algorithms.js';
import { cbomValidator, errorsOf, HOSTILE_SNI, makeFlow, makeReport, PUBLIC, PUBLIC_PICKS, sampleFiles, scan } from './helpers.js';

interface Component {
  type: string;
  'bom-ref': string;
  name: string;
  cryptoProperties: {
    assetType: string;
    oid?: string;
    algorithmProperties?: { primitive: string; nistQuantumSecurityLevel?: number; algorithmFamily?: string; parameterSetIdentifier?: string };
    protocolProperties?: {
      type: string;
      version?: string;
      cipherSuites?: { name: string; identifiers: string[]; algorithms: string[]; tlsGroups?: string[] }[];
      cryptoRefArray?: string[];
      relatedCryptographicAssets?: { type: string; ref: string }[];
    };
  };
  properties?: { name: string; value: string }[];
}
interface Bom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: { tools: { components: { name: string }[] }; component: { 'bom-ref': string } };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

const parse = (s: string): Bom => JSON.parse(s) as Bom;
const VERSIONS = ['1.6', '1.7'] as const;

describe('CBOM schema validity', () => {
  for (const file of [...sampleFiles(), ...PUBLIC_PICKS]) {
    for (const v of VERSIONS) {
      it(`CycloneDX ${v} valid for ${file.replace(/.*\//, '')}`, async () => {
        const doc: unknown = JSON.parse(toCbom(await scan(file), { specVersion: v }));
        const validate = cbomValidator(v);
        expect(validate(doc), errorsOf(validate)).toBe(true);
      });
    }
  }

  it('the validators reject a wrong asset type (the check can fail)', async () => {
    for (const v of VERSIONS) {
      const bom = parse(toCbom(await scan('samples/tls13-hybrid.pcap'), { specVersion: v }));
      const c = bom.components[0];
      if (!c) throw new Error('no component');
      c.cryptoProperties.assetType = 'cipher';
      expect(cbomValidator(v)(bom)).toBe(false);
    }
  });
});

describe('CBOM content', () => {
  it('mixed.pcapng: protocol per server, hybrid level 3 with ML-KEM-768 and X25519 parts, refs resolve', async () => {
    for (const v of VERSIONS) {
      const bom = parse(toCbom(await scan('samples/mixed.pcapng'), { specVersion: v }));
      expect(bom.bomFormat).toBe('CycloneDX');
      expect(bom.specVersion).toBe(v);
      expect(bom.version).toBe(1);
      expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(bom.metadata.tools.components[0]?.name).toBe('hndl-scan');
      const refs = new Set(bom.components.map((c) => c['bom-ref']));
      expect(refs.size).toBe(bom.components.length);
      refs.add(bom.metadata.component['bom-ref']);
      for (const d of bom.dependencies) {
        expect(refs.has(d.ref)).toBe(true);
        for (const r of d.dependsOn ?? []) expect(refs.has(r)).toBe(true);
      }
      const byName = new Map(bom.components.map((c) => [c.name, c]));
      const hybrid = byName.get('X25519MLKEM768');
      expect(hybrid?.cryptoProperties.algorithmProperties?.primitive).toBe('kem');
      expect(hybrid?.cryptoProperties.algorithmProperties?.nistQuantumSecurityLevel).toBe(3);
      const parts = bom.dependencies.find((d) => d.ref === hybrid?.['bom-ref'])?.dependsOn ?? [];
      expect(parts.map((r) => bom.components.find((c) => c['bom-ref'] === r)?.name).sort()).toEqual(['ML-KEM-768', 'X25519']);
      expect(byName.get('ML-KEM-768')?.cryptoProperties.oid).toBe('2.16.840.1.101.3.4.4.2');
      expect(byName.get('X25519')?.cryptoProperties.algorithmProperties?.nistQuantumSecurityLevel).toBe(0);
      expect(byName.get('RSA-PKCS1-1.5')?.cryptoProperties.algorithmProperties?.nistQuantumSecurityLevel).toBe(0);
      expect(byName.get('AES-128-GCM')?.cryptoProperties.algorithmProperties?.nistQuantumSecurityLevel).toBe(1);

      const api = bom.components.find((c) => c.cryptoProperties.assetType === 'protocol' && c.properties?.some((p) => p.value === 'api.hybrid.test'));
      const pp = api?.cryptoProperties.protocolProperties;
      expect(pp?.type).toBe('tls');
      expect(pp?.version).toBe('1.3');
      expect(pp?.cipherSuites?.[0]).toMatchObject({ name: 'TLS_AES_256_GCM_SHA384', identifiers: ['0x13', '0x02'] });
      if (v === '1.7') {
        expect(pp?.cipherSuites?.[0]?.tlsGroups).toEqual(['X25519MLKEM768']);
        expect(pp?.relatedCryptographicAssets?.length).toBeGreaterThan(0);
        expect(hybrid?.cryptoProperties.algorithmProperties?.algorithmFamily).toBeUndefined();
        expect(byName.get('ML-KEM-768')?.cryptoProperties.algorithmProperties?.algorithmFamily).toBe('ML-KEM');
      } else {
        expect(pp?.cryptoRefArray?.length).toBeGreaterThan(0);
      }
      // no protocol asset for plaintext HTTP
      expect(bom.components.filter((c) => c.cryptoProperties.assetType === 'protocol').length).toBe(7);
    }
  });

  it('QUIC is `quic` in 1.7 and `tls` in 1.6; SSH hybrid and Kyber draft levels', async () => {
    const quic = await scan(`${PUBLIC}zeek__quic-decrypt-fail-google-de-51833.pcap`);
    const proto = (v: '1.6' | '1.7'): string | undefined =>
      parse(toCbom(quic, { specVersion: v })).components.find((c) => c.cryptoProperties.assetType === 'protocol')?.cryptoProperties.protocolProperties?.type;
    expect(proto('1.7')).toBe('quic');
    expect(proto('1.6')).toBe('tls');
    const ssh = parse(toCbom(await scan(`${PUBLIC}zeek__ssh_kex_mlkem.pcap`), { specVersion: '1.7' }));
    const sshProto = ssh.components.find((c) => c.cryptoProperties.assetType === 'protocol');
    expect(sshProto?.cryptoProperties.protocolProperties).toMatchObject({ type: 'ssh', version: '2.0' });
    expect(ssh.components.find((c) => c.name === 'mlkem768x25519-sha256')?.cryptoProperties.algorithmProperties?.nistQuantumSecurityLevel).toBe(3);
    const kyber = parse(toCbom(await scan(`${PUBLIC}zeek__chrome-1250-tls-x25519-kyber.pcap`)));
    expect(kyber.components.map((c) => c.name)).toContain('Kyber-768-r3');
  });

  it('algorithm tables', () => {
    expect(suiteIdentifiers(0xc02f)).toEqual(['0xC0', '0x2F']);
    expect(cipherAlgorithm(0x1303)?.name).toBe('ChaCha20-Poly1305');
    expect(cipherAlgorithm(0x009c)).toMatchObject({ name: 'AES-128-GCM', primitive: 'ae', mode: 'gcm' });
    expect(cipherAlgorithm(0x000a)?.nistQuantumSecurityLevel).toBe(0);
    expect(sshKexAlgorithm('mlkem1024nistp384-sha384').nistQuantumSecurityLevel).toBe(5);
    expect(sshKexAlgorithm('diffie-hellman-group14-sha256')).toMatchObject({ name: 'FFDH-2048', nistQuantumSecurityLevel: 0 });
    expect(sshKexAlgorithm('weird@x')).toMatchObject({ primitive: 'unknown' });
  });

  it('hostile SNI and SSH names stay JSON data and the BOM stays valid', () => {
    const tls = makeFlow(1, { tls: { ...makeFlow(1).tls!, sni: HOSTILE_SNI } });
    const ssh = makeFlow(2, {
      app: 'ssh',
      tls: null,
      kex: { offered: 'classical', negotiated: 'classical', group: '"},{"evil":1}\u0000', mechanism: 'ssh-kexinit' },
      ssh: { clientKex: [] },
    });
    for (const v of VERSIONS) {
      const text = toCbom(makeReport([tls, ssh]), { specVersion: v });
      const bom = parse(text);
      expect(cbomValidator(v)(bom), errorsOf(cbomValidator(v))).toBe(true);
      expect(bom.components.some((c) => c.properties?.some((p) => p.value === HOSTILE_SNI))).toBe(true);
      expect(bom.components.some((c) => c.name === '"},{"evil":1}\u0000')).toBe(true);
    }
  });
});
