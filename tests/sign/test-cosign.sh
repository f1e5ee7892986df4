#!/bin/bash
# cosign interoperability and refusals, through `bpfmanctl image verify`
# (bpfman_image__verify) against a real docker-registry:
#  - cosign 3 signs (legacy tag and sigstore bundle; key and test-CA
#    certificate), we verify;
#  - we sign (both formats; ECDSA, Ed25519, RSA, encrypted key), cosign
#    verify --key accepts it;
#  - refused: unsigned under a strict rule, untrusted key, a payload for
#    another digest, tampered signature, tampered payload, tampered bundle,
#    a tag moved to another manifest after signing, a certificate with
#    another identity or from another CA.
. "$(dirname "$0")/lib.sh"

sign_setup
get_cosign
cd "$T"

# ---- keys and certificates ----
"$COSIGN" generate-key-pair --output-key-prefix ck >/dev/null 2>&1 || fail "cosign generate-key-pair"
"$COSIGN" generate-key-pair --output-key-prefix ck2 >/dev/null 2>&1 || fail "cosign generate-key-pair"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ours.pem 2>/dev/null
openssl pkey -in ours.pem -pubout -out ours.pub
openssl genpkey -algorithm ED25519 -out ours-ed.pem 2>/dev/null
openssl pkey -in ours-ed.pem -pubout -out ours-ed.pub
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ours-rsa.pem 2>/dev/null
openssl pkey -in ours-rsa.pem -pubout -out ours-rsa.pub
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:secret \
	-out ours-enc.pem 2>/dev/null
openssl pkey -in ours-enc.pem -passin pass:secret -pubout -out ours-enc.pub

mkca() { # NAME: a self-signed CA
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-out "$1.pem" -subj "/CN=$1" -days 2 -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign 2>/dev/null
}
mkca ca
mkca ca2
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
	-out leaf.csr -subj /CN=signer 2>/dev/null
printf '%s\n' "subjectAltName=email:signer@example.com" "keyUsage=critical,digitalSignature" \
	"extendedKeyUsage=codeSigning" \
	"1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:https://issuer.example.com" > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 1 \
	-extfile leaf.ext 2>/dev/null || fail "openssl could not issue the test certificate"
"$COSIGN" import-key-pair --key leaf.key --output-key-prefix leafc >/dev/null 2>&1 ||
	fail "cosign import-key-pair"

cat > config.yaml <<EOY
registries:
  - location: $REG
    insecure: true
signing:
  allow_unsigned: false
  rules:
    - scope: $REG/cosign
      cosign:
        keys: [$T/ck.pub, $T/ours.pub, $T/ours-ed.pub, $T/ours-rsa.pub, $T/ours-enc.pub]
    - scope: $REG/cert
      cosign:
        roots: [$T/ca.pem]
        identities: [signer@example.com]
        issuers: [https://issuer.example.com]
    - scope: $REG/cert-other
      cosign:
        roots: [$T/ca.pem]
        identity_regexps: ['.*@other\.example\.com']
    - scope: $REG/cert-wrongca
      cosign:
        roots: [$T/ca2.pem]
        identities: [signer@example.com]
EOY

# ---- cosign signs, we verify ----
d=$(push_image cosign/legacy:v1)
cosign_sign ck.key "$REG/cosign/legacy@$d" --new-bundle-format=false
expect 0 "valid signature: cosign signature \(tag $(sig_tag "$d")\)" ctl image verify "$REG/cosign/legacy:v1"
grep -q "Verified:    yes" <<<"$LAST_OUT" || fail "verify did not say yes: $LAST_OUT"
pass "cosign legacy tag signature verifies"

d=$(push_image cosign/bundle:v1)
cosign_sign ck.key "$REG/cosign/bundle@$d"
expect 0 "valid signature: sigstore bundle \(referrer sha256:[0-9a-f]{64} via tag sha256-" \
	ctl image verify "$REG/cosign/bundle:v1"
expect 0 '"verified": true' ctl -o json image verify "$REG/cosign/bundle:v1"
pass "cosign 3 bundle (referrers tag scheme) verifies"

# --key overrides the config's rules, like cosign verify --key.
expect 1 "bad signature: sigstore bundle" ctl image verify "$REG/cosign/bundle:v1" --key ck2.pub
expect 0 "valid signature" ctl image verify "$REG/cosign/bundle:v1" --key ck.pub
pass "--key replaces the policy for one verification"

d=$(push_image cert/a:v1)
cosign_sign leafc.key "$REG/cert/a@$d" --certificate leaf.pem --certificate-chain ca.pem
cosign_sign leafc.key "$REG/cert/a@$d" --certificate leaf.pem --certificate-chain ca.pem \
	--new-bundle-format=false
expect 0 "certificate of signer@example.com issued by https://issuer.example.com" \
	ctl image verify "$REG/cert/a:v1"
[ "$(grep -o "valid signature" <<<"$LAST_OUT" | wc -l)" = 2 ] || fail "both certificate signatures should verify: $LAST_OUT"
pass "certificate signatures (bundle and legacy) chain to the test CA"

for repo in cert-other cert-wrongca; do
	d=$(push_image $repo/a:v1)
	cosign_sign leafc.key "$REG/$repo/a@$d" --certificate leaf.pem --certificate-chain ca.pem
	cosign_sign leafc.key "$REG/$repo/a@$d" --certificate leaf.pem --certificate-chain ca.pem \
		--new-bundle-format=false
done
expect 1 "untrusted key: .*identity 'signer@example.com' is not one rule" ctl image verify "$REG/cert-other/a:v1"
expect 1 "untrusted key: .*does not chain to the roots" ctl image verify "$REG/cert-wrongca/a:v1"
expect 0 "valid signature" ctl image verify "$REG/cert-wrongca/a:v1" --certificate-root ca.pem \
	--certificate-identity signer@example.com
expect 1 "OIDC issuer 'https://issuer.example.com' is not one" ctl image verify \
	"$REG/cert-wrongca/a:v1" --certificate-root ca.pem --certificate-identity signer@example.com \
	--certificate-oidc-issuer https://accounts.example.org
pass "certificates with another identity, CA or issuer are untrusted"

# ---- refusals ----
d=$(push_image cosign/unsigned:v1)
expect 1 "Signatures:  none found" ctl image verify "$REG/cosign/unsigned:v1"
pass "unsigned image: no signature"

d=$(push_image cosign/untrusted:v1)
cosign_sign ck2.key "$REG/cosign/untrusted@$d"
cosign_sign ck2.key "$REG/cosign/untrusted@$d" --new-bundle-format=false
expect 1 "bad signature: cosign signature .*none of the 5 trusted key" ctl image verify "$REG/cosign/untrusted:v1"
grep -q "bad signature: sigstore bundle" <<<"$LAST_OUT" || fail "bundle by an untrusted key accepted: $LAST_OUT"
pass "signatures by an untrusted key"

# A valid signature of image 1 presented for image 2: the legacy manifest
# copied to image 2's .sig tag, the bundle index copied to its sha256- tag.
d1=$(push_image cosign/other:one)
d2=$(push_image cosign/other:two)
cosign_sign ck.key "$REG/cosign/other@$d1"
cosign_sign ck.key "$REG/cosign/other@$d1" --new-bundle-format=false
manifest_get cosign/other "$(sig_tag "$d1")" > sig.json
manifest_put cosign/other "$(sig_tag "$d2")" sig.json
manifest_get cosign/other "sha256-${d1#sha256:}" > idx.json
manifest_put cosign/other "sha256-${d2#sha256:}" idx.json application/vnd.oci.image.index.v1+json
expect 1 "digest mismatch: cosign signature .*payload signs $d1, not $d2" ctl image verify "$REG/cosign/other:two"
grep -q "digest mismatch: sigstore bundle .*subject is $d1, not $d2" <<<"$LAST_OUT" ||
	fail "bundle for another digest not refused as such: $LAST_OUT"
expect 0 "valid signature" ctl image verify "$REG/cosign/other:one"
pass "signatures of another digest"

# Tampered signature and payload (legacy), tampered bundle signature and
# statement (the bundle blob replaced, its manifest and index rewritten).
d=$(push_image cosign/tamper:v1)
cosign_sign ck.key "$REG/cosign/tamper@$d" --new-bundle-format=false
manifest_get cosign/tamper "$(sig_tag "$d")" > sig.json
python3 - sig.json > sig-bad.json <<'PY'
import json, sys, base64
m = json.load(open(sys.argv[1]))
a = m["layers"][0]["annotations"]
raw = bytearray(base64.b64decode(a["dev.cosignproject.cosign/signature"]))
raw[-5] ^= 0x01
a["dev.cosignproject.cosign/signature"] = base64.b64encode(bytes(raw)).decode()
print(json.dumps(m))
PY
manifest_put cosign/tamper "$(sig_tag "$d")" sig-bad.json
expect 1 "bad signature: cosign signature" ctl image verify "$REG/cosign/tamper:v1"
payload_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' sig.json)
blob_get cosign/tamper "$payload_digest" | sed 's/"optional":null/"optional":{"x":"y"}/' > payload-bad.json
cmp -s payload-bad.json <(blob_get cosign/tamper "$payload_digest") && fail "payload was not changed"
new=$(blob_put cosign/tamper payload-bad.json)
python3 - sig.json "$new" "$(stat -c %s payload-bad.json)" > sig-bad.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["layers"][0]["digest"] = sys.argv[2]
m["layers"][0]["size"] = int(sys.argv[3])
print(json.dumps(m))
PY
manifest_put cosign/tamper "$(sig_tag "$d")" sig-bad.json
expect 1 "bad signature: cosign signature" ctl image verify "$REG/cosign/tamper:v1"
pass "tampered legacy signature and payload"

tamper_bundle() { # REPO DIGEST MODE(sig|statement)
	local repo=$1 dg=$2 mode=$3 idx ref layer
	manifest_get "$repo" "sha256-${dg#sha256:}" > idx.json
	ref=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' idx.json)
	manifest_get "$repo" "$ref" > ref.json
	layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' ref.json)
	blob_get "$repo" "$layer" > bundle.json
	python3 - bundle.json "$mode" > bundle-bad.json <<'PY'
import json, sys, base64
b = json.load(open(sys.argv[1]))
env = b["dsseEnvelope"]
if sys.argv[2] == "sig":
    raw = bytearray(base64.b64decode(env["signatures"][0]["sig"]))
    raw[-5] ^= 0x01
    env["signatures"][0]["sig"] = base64.b64encode(bytes(raw)).decode()
else:
    st = json.loads(base64.b64decode(env["payload"]))
    st["predicate"] = {"tampered": True}
    env["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
print(json.dumps(b))
PY
	new=$(blob_put "$repo" bundle-bad.json)
	python3 - ref.json "$new" "$(stat -c %s bundle-bad.json)" > ref-bad.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["layers"][0]["digest"] = sys.argv[2]
m["layers"][0]["size"] = int(sys.argv[3])
print(json.dumps(m))
PY
	nref=sha256:$(sha256sum ref-bad.json | cut -d' ' -f1)
	manifest_put "$repo" "$nref" ref-bad.json
	python3 - idx.json "$nref" "$(stat -c %s ref-bad.json)" > idx-bad.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["manifests"][0]["digest"] = sys.argv[2]
m["manifests"][0]["size"] = int(sys.argv[3])
print(json.dumps(m))
PY
	manifest_put "$repo" "sha256-${dg#sha256:}" idx-bad.json application/vnd.oci.image.index.v1+json
}
d=$(push_image cosign/tamperb:v1)
cosign_sign ck.key "$REG/cosign/tamperb@$d"
tamper_bundle cosign/tamperb "$d" sig
expect 1 "bad signature: sigstore bundle" ctl image verify "$REG/cosign/tamperb:v1"
d=$(push_image cosign/tamperc:v1)
cosign_sign ck.key "$REG/cosign/tamperc@$d"
tamper_bundle cosign/tamperc "$d" statement
expect 1 "bad signature: sigstore bundle" ctl image verify "$REG/cosign/tamperc:v1"
pass "tampered bundle signature and statement"

# The tag moves to another manifest after signing: the new digest has no
# signature; the signed digest still verifies by digest.
d=$(push_image cosign/moved:v1)
cosign_sign ck.key "$REG/cosign/moved@$d"
cosign_sign ck.key "$REG/cosign/moved@$d" --new-bundle-format=false
expect 0 "valid signature" ctl image verify "$REG/cosign/moved:v1"
d2=$(push_image cosign/moved:v1)
[ "$d" != "$d2" ] || fail "the tag did not move"
expect 1 "Signatures:  none found" ctl image verify "$REG/cosign/moved:v1"
expect 0 "valid signature" ctl image verify "$REG/cosign/moved@$d"
pass "a tag moved after signing is not signed"

# ---- we sign, cosign verifies ----
d=$(push_image cosign/ours:v1)
expect 0 "Digest:      $d" ctl image sign "$REG/cosign/ours:v1" --key ours.pem
expect 0 "valid signature: cosign signature" ctl image verify "$REG/cosign/ours:v1"
[ "$(grep -o "valid signature" <<<"$LAST_OUT" | wc -l)" = 2 ] || fail "both formats should verify: $LAST_OUT"
"$COSIGN" verify --key ours.pub --insecure-ignore-tlog --allow-http-registry "$REG/cosign/ours@$d" \
	> cv.log 2>&1 || fail "cosign verify rejects our bundle: $(cat cv.log)"
"$COSIGN" verify --key ours.pub --insecure-ignore-tlog --new-bundle-format=false \
	--allow-http-registry "$REG/cosign/ours@$d" > cv.log 2>&1 ||
	fail "cosign verify rejects our legacy signature: $(cat cv.log)"
"$COSIGN" verify --key ck.pub --insecure-ignore-tlog --allow-http-registry "$REG/cosign/ours@$d" \
	> cv.log 2>&1 && fail "cosign verify accepted our signature with another key"
pass "cosign verify --key accepts our signatures (bundle and legacy)"

d=$(push_image cosign/ours2:v1)
expect 0 "Signed" ctl image sign "$REG/cosign/ours2:v1" --key ours.pem --format legacy
expect 0 "Signed" ctl image sign "$REG/cosign/ours2:v1" --key ours-rsa.pem --format legacy
[ "$(manifest_get cosign/ours2 "$(sig_tag "$d")" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["layers"]))')" = 2 ] ||
	fail "a second legacy signature replaced the first instead of joining it"
expect 0 "valid signature" ctl image verify "$REG/cosign/ours2:v1" --key ours-rsa.pub
expect 0 "valid signature" ctl image verify "$REG/cosign/ours2:v1" --key ours.pub
"$COSIGN" verify --key ours-rsa.pub --insecure-ignore-tlog --new-bundle-format=false \
	--allow-http-registry "$REG/cosign/ours2@$d" > cv.log 2>&1 ||
	fail "cosign verify rejects our RSA legacy signature: $(cat cv.log)"
pass "legacy signatures accumulate (ECDSA, RSA)"

d=$(push_image cosign/ours3:v1)
expect 0 "Signed" ctl image sign "$REG/cosign/ours3:v1" --key ours-ed.pem --format bundle
expect 0 "valid signature: sigstore bundle.*Ed25519" ctl image verify "$REG/cosign/ours3:v1"
expect 1 "private key file .* password is missing" ctl image sign "$REG/cosign/ours3:v1" --key ours-enc.pem
expect 1 "password is wrong" env BPFMAN_KEY_PASSWORD=nope "$BPFMANCTL" --config "$T/config.yaml" \
	image sign "$REG/cosign/ours3:v1" --key ours-enc.pem
printf 'secret\n' > pw.txt
expect 0 "Signed" ctl image sign "$REG/cosign/ours3:v1" --key ours-enc.pem --password-file pw.txt
expect 0 "valid signature" ctl image verify "$REG/cosign/ours3:v1" --key ours-enc.pub
expect 1 "cosign's own encrypted format" ctl image sign "$REG/cosign/ours3:v1" --key ck.key
pass "Ed25519 bundle, encrypted keys, cosign.key refused with a way out"

echo "all cosign signature checks passed"
