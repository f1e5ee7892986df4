#!/bin/bash
# cosign legacy tag-scheme certificate signatures with a Rekor bundle
# annotation (dev.sigstore.cosign/bundle), as `cosign sign` writes them
# with a Fulcio certificate, built by make-legacy-rekor.py (a test CA whose
# leaf certificate expired before now, a test Rekor key), pushed to a real
# docker-registry and checked through `bpfmanctl image verify`: the
# certificate is checked at the vouched-for integratedTime only when the
# SET verifies with the rule's rekor_keys and the entry records this
# signature; otherwise at the current time, where it has expired.
. "$(dirname "$0")/lib.sh"
sign_setup
need python3
python3 -c 'import cryptography' 2>/dev/null ||
	fail "python3-cryptography is not installed; run scripts/install-deps.sh"
cd "$T"

d=$(push_image legacy/a:v1)
python3 "$SIGN_DIR/make-legacy-rekor.py" "$T" "$d" "$REG/legacy/a" ||
	fail "make-legacy-rekor.py could not build the signatures"
blob_put legacy/a payload.json >/dev/null
blob_put legacy/a config.json >/dev/null
tag=$(sig_tag "$d")

config() { # REKOR_KEYS_LINE: the rule, with or without rekor_keys
	cat > config.yaml <<-EOY
	registries:
	  - location: $REG
	    insecure: true
	signing:
	  allow_unsigned: false
	  rules:
	    - scope: $REG/legacy
	      cosign:
	        roots: [$T/ca.pem]
	        identities: [signer@example.com]
	$1
	EOY
}
config "        rekor_keys: [$T/rekor.pub]"

manifest_put legacy/a "$tag" manifest-good.json
expect 0 "valid signature: cosign signature \(tag $tag\).*certificate of signer@example.com" \
	ctl image verify "$REG/legacy/a:v1"
pass "expired certificate accepted at the Rekor-vouched integratedTime"

for v in other-set moved-time; do
	manifest_put legacy/a "$tag" manifest-$v.json
	expect 1 "untrusted key: cosign signature .*certificate has expired.*checked at the current time: the dev.sigstore.cosign/bundle annotation's signed entry timestamp verifies with none of the 1 Rekor key" \
		ctl image verify "$REG/legacy/a:v1"
done
pass "SET by an untrusted key, or integratedTime moved: checked now, expired, refused"

manifest_put legacy/a "$tag" manifest-other-sig.json
expect 1 "untrusted key: cosign signature .*certificate has expired.*log entry does not record this signature" \
	ctl image verify "$REG/legacy/a:v1"
pass "a log entry for another signature: checked now, expired, refused"

manifest_put legacy/a "$tag" manifest-no-bundle.json
expect 1 "untrusted key: cosign signature .*certificate has expired.*has no dev.sigstore.cosign/bundle annotation" \
	ctl image verify "$REG/legacy/a:v1"
pass "no Rekor bundle: checked now, expired, refused"

manifest_put legacy/a "$tag" manifest-good.json
config ""
expect 1 "untrusted key: cosign signature .*certificate has expired.*names no Rekor keys \(cosign.rekor_keys\)" \
	ctl image verify "$REG/legacy/a:v1"
pass "no rekor_keys configured: the log time is not trusted, checked now, refused"

config "        rekor_keys: [$T/other-rekor.pub]"
expect 1 "untrusted key: .*verifies with none of the 1 Rekor key" ctl image verify "$REG/legacy/a:v1"
pass "the genuine SET under a rule trusting another Rekor key: refused"
