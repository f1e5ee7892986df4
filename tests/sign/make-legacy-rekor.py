#!/usr/bin/env python3
# make-legacy-rekor.py DIR DIGEST REFERENCE: writes, with python3-cryptography
# and independently of the code under test, what cosign's legacy tag scheme
# stores for a Fulcio-style certificate signature logged in Rekor:
#   ca.pem           a test CA (valid from 10 days ago to 10 days ahead)
#   rekor.pub        a test "Rekor" key; other-rekor.pub another one
#   payload.json     the simple-signing payload for DIGEST
#   config.json      the signature manifest's config ({})
#   manifest-<v>.json  the manifest for tag sha256-<hex>.sig, one per variant:
#     good        signed by a leaf certificate that expired 2 days ago,
#                 Rekor bundle annotation with integratedTime 2.5 days ago
#                 and a SET by rekor.pub over an entry recording it
#     other-set   the SET made by other-rekor.pub
#     moved-time  integratedTime changed after the SET was made
#     other-sig   the entry (correctly SET-signed) records another signature
#     no-bundle   no dev.sigstore.cosign/bundle annotation
import base64
import datetime
import hashlib
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out, digest, reference = sys.argv[1:4]
now = datetime.datetime.now(datetime.timezone.utc)
day = datetime.timedelta(days=1)


def b64(b):
    return base64.b64encode(b).decode()


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def write(path, data):
    with open(os.path.join(out, path), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def pub_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = (x509.CertificateBuilder().subject_name(name("legacy-test-ca"))
      .issuer_name(name("legacy-test-ca")).public_key(ca_key.public_key())
      .serial_number(x509.random_serial_number())
      .not_valid_before(now - 10 * day).not_valid_after(now + 10 * day)
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(False, False, False, False, False, True, False, False, False),
                     critical=True)
      .sign(ca_key, hashes.SHA256()))
leaf_key = ec.generate_private_key(ec.SECP256R1())
leaf = (x509.CertificateBuilder().subject_name(name("signer"))
        .issuer_name(ca.subject).public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - 3 * day).not_valid_after(now - 2 * day)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("signer@example.com")]),
                       critical=False)
        .sign(ca_key, hashes.SHA256()))
leaf_pem = leaf.public_bytes(serialization.Encoding.PEM).decode()
rekor_key = ec.generate_private_key(ec.SECP256R1())
other_rekor_key = ec.generate_private_key(ec.SECP256R1())
write("ca.pem", ca.public_bytes(serialization.Encoding.PEM))
write("rekor.pub", pub_pem(rekor_key))
write("other-rekor.pub", pub_pem(other_rekor_key))

payload = json.dumps({"critical": {"identity": {"docker-reference": reference},
                                   "image": {"docker-manifest-digest": digest},
                                   "type": "cosign container image signature"},
                      "optional": None}, separators=(",", ":")).encode()
config = b"{}"
write("payload.json", payload)
write("config.json", config)
sig = b64(leaf_key.sign(payload, ec.ECDSA(hashes.SHA256())))
other_sig = b64(leaf_key.sign(b"something else", ec.ECDSA(hashes.SHA256())))
log_id = hashlib.sha256(rekor_key.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
itime = int((now - 2.5 * day).timestamp())


def rekor_bundle(set_key=rekor_key, body_sig=sig, shown_time=itime):
    body = {"apiVersion": "0.0.1", "kind": "hashedrekord",
            "spec": {"data": {"hash": {"algorithm": "sha256",
                                       "value": hashlib.sha256(payload).hexdigest()}},
                     "signature": {"content": body_sig,
                                   "publicKey": {"content": b64(leaf_pem.encode())}}}}
    body_b64 = b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    # Rekor's SET: over the canonical JSON (RFC 8785) of these four.
    canon = json.dumps({"body": body_b64, "integratedTime": itime, "logID": log_id,
                        "logIndex": 7}, separators=(",", ":"), sort_keys=True).encode()
    set_ = b64(set_key.sign(canon, ec.ECDSA(hashes.SHA256())))
    return json.dumps({"SignedEntryTimestamp": set_,
                       "Payload": {"body": body_b64, "integratedTime": shown_time,
                                   "logIndex": 7, "logID": log_id}}, separators=(",", ":"))


def manifest(bundle):
    ann = {"dev.cosignproject.cosign/signature": sig,
           "dev.sigstore.cosign/certificate": leaf_pem,
           "dev.sigstore.cosign/chain": ca.public_bytes(serialization.Encoding.PEM).decode()}
    if bundle is not None:
        ann["dev.sigstore.cosign/bundle"] = bundle
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "size": len(config), "digest": "sha256:" + hashlib.sha256(config).hexdigest()},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "size": len(payload),
                    "digest": "sha256:" + hashlib.sha256(payload).hexdigest(),
                    "annotations": ann}]})


write("manifest-good.json", manifest(rekor_bundle()))
write("manifest-other-set.json", manifest(rekor_bundle(set_key=other_rekor_key)))
write("manifest-moved-time.json", manifest(rekor_bundle(shown_time=itime - 3600)))
write("manifest-other-sig.json", manifest(rekor_bundle(body_sig=other_sig)))
write("manifest-no-bundle.json", manifest(None))
