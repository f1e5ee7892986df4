#!/bin/bash
# GPG simple signing: skopeo copy --sign-by writes signatures to a file://
# lookaside store (registries.d), `bpfmanctl image verify` checks them with
# the policy's keyring. Refused: unsigned under a strict rule, a key not in
# the keyring, a key not in the fingerprint list, an expired key, a revoked
# key, a tampered signature, a signature of another digest, another
# reference (identity: exact).
. "$(dirname "$0")/lib.sh"

sign_setup
cd "$T"
mkdir -p regd sigstore
printf 'default-docker:\n  lookaside-staging: file://%s/sigstore\n' "$T" > regd/default.yaml

genkey() { # NAME [gpg options]: prints the fingerprint
	local name=$1
	shift
	gpg --batch "$@" --passphrase '' --quick-gen-key "$name <$name@example.com>" ed25519 sign never \
		>/dev/null 2>&1 || fail "gpg could not generate key $name"
	gpg --with-colons --list-keys "$name@example.com" 2>/dev/null | awk -F: '/^fpr/ && !f {print $10; f = 1}'
}
good=$(genkey good)
stranger=$(genkey stranger)
unlisted=$(genkey unlisted)
expired=$(genkey expired --faked-system-time 20240101T000000)
revoked=$(genkey revoked)

sign_push() { # FPR NAME:TAG: a fresh image pushed and signed by FPR
	local lay=$T/lay-${2//[\/:]/_}
	rm -rf "$lay"
	"$SIGN_DIR/make-image.sh" "$lay" img >/dev/null
	skopeo copy -q --registries.d regd --sign-by "$1" --dest-tls-verify=false \
		"oci:$lay:img" "docker://$REG/$2" >/dev/null 2>skopeo.log ||
		fail "skopeo copy --sign-by $1 to $2: $(cat skopeo.log)"
	skopeo inspect --tls-verify=false --raw "docker://$REG/$2" | sha256sum | sed 's/ .*//;s/^/sha256:/'
}

d_good=$(sign_push "$good" gpg/good:v1)
d_stranger=$(sign_push "$stranger" gpg/stranger:v1)
d_unlisted=$(sign_push "$unlisted" gpg/unlisted:v1)
d_expired=$(sign_push "$expired" gpg/expired:v1)
d_revoked=$(sign_push "$revoked" gpg/revoked:v1)
[ -f "sigstore/gpg/good@sha256=${d_good#sha256:}/signature-1" ] ||
	fail "skopeo wrote no lookaside signature: $(find sigstore)"

# Expire and revoke after signing, as happens to real keys.
gpg --batch --faked-system-time 20250101T000000 --quick-set-expire "$expired" 1d >/dev/null 2>&1 ||
	fail "gpg could not set the expiry"
sed 's/^:-----/-----/' "$GNUPGHOME/openpgp-revocs.d/$revoked.rev" > revoke.asc
gpg --batch --import revoke.asc >/dev/null 2>&1 || fail "gpg could not revoke"
gpg --batch --export "$good" "$unlisted" "$expired" "$revoked" > keyring.gpg
gpg --batch --export "$good" > good.gpg

cat > config.yaml <<EOY
registries:
  - location: $REG
    insecure: true
signing:
  allow_unsigned: false
  rules:
    - scope: $REG/gpg
      gpg:
        keyring: $T/keyring.gpg
        fingerprints: [$good, $expired, $revoked]
        lookaside: file://$T/sigstore
        identity: exact
    - scope: $REG/gpg/byrepo
      gpg:
        keyring: $T/keyring.gpg
        lookaside: file://$T/sigstore
        identity: repository
EOY

expect 0 "valid signature: gpg simple signing .*signed by GPG key $good \(good <good@example.com>\)" \
	ctl image verify "$REG/gpg/good:v1"
pass "skopeo's GPG signature verifies"

expect 0 "valid signature" ctl image verify "$REG/gpg/good:v1" --gpg-keyring good.gpg \
	--lookaside "file://$T/sigstore"
expect 1 "untrusted key" ctl image verify "$REG/gpg/unlisted:v1" --gpg-keyring good.gpg \
	--lookaside "file://$T/sigstore"
pass "--gpg-keyring/--lookaside replace the policy"

lay=$T/lay-unsigned
"$SIGN_DIR/make-image.sh" "$lay" img >/dev/null
skopeo copy -q --dest-tls-verify=false "oci:$lay:img" "docker://$REG/gpg/unsigned:v1" >/dev/null
expect 1 "Signatures:  none found" ctl image verify "$REG/gpg/unsigned:v1"
expect 1 "untrusted key: .*signed by key .*which is not in the keyring" ctl image verify "$REG/gpg/stranger:v1"
expect 1 "untrusted key: .*signed by key $unlisted, not one of the fingerprints" \
	ctl image verify "$REG/gpg/unlisted:v1"
expect 1 "expired or revoked key: .*expired" ctl image verify "$REG/gpg/expired:v1"
expect 1 "expired or revoked key: .*revoked" ctl image verify "$REG/gpg/revoked:v1"
pass "unsigned, unknown key, unlisted fingerprint, expired key, revoked key"

# Tampered: one byte of the signed message changed.
d=$(sign_push "$good" gpg/tamper:v1)
f="sigstore/gpg/tamper@sha256=${d#sha256:}/signature-1"
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x20
open(p, "wb").write(bytes(b))
PY
expect 1 "(bad signature|unparseable signature or payload): gpg simple signing" ctl image verify "$REG/gpg/tamper:v1"
pass "tampered GPG signature"

# A valid signature of another digest.
d_other=$(sign_push "$good" gpg/other:one)
lay=$T/lay-two
"$SIGN_DIR/make-image.sh" "$lay" img >/dev/null
skopeo copy -q --dest-tls-verify=false "oci:$lay:img" "docker://$REG/gpg/other:two" >/dev/null
d_two=$(skopeo inspect --tls-verify=false --raw "docker://$REG/gpg/other:two" | sha256sum | sed 's/ .*//;s/^/sha256:/')
mkdir -p "sigstore/gpg/other@sha256=${d_two#sha256:}"
cp "sigstore/gpg/other@sha256=${d_other#sha256:}/signature-1" "sigstore/gpg/other@sha256=${d_two#sha256:}/"
expect 1 "digest mismatch: .*it signs $d_other, not $d_two" ctl image verify "$REG/gpg/other:two"
pass "GPG signature of another digest"

# The same digest under another tag: exact identity refuses, repository accepts.
d=$(sign_push "$good" gpg/byrepo/a:v1)
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$REG/gpg/byrepo/a:v1" \
	"docker://$REG/gpg/byrepo/a:v2" >/dev/null
expect 0 "valid signature" ctl image verify "$REG/gpg/byrepo/a:v2"
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$REG/gpg/good:v1" \
	"docker://$REG/gpg/good:v2" >/dev/null
expect 1 "identity mismatch: .*names $REG/gpg/good:v1, not $REG/gpg/good:v2" ctl image verify "$REG/gpg/good:v2"
pass "docker-reference identity: exact and repository"

# The lookaside store over HTTP (https:// is the same code with TLS): a
# web server over the same directory; 404 ends the signature-N walk.
web_port=$((SIGN_PORT + 40))
python3 -m http.server --bind 127.0.0.1 --directory "$T/sigstore" "$web_port" >web.log 2>&1 &
web_pid=$!
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$web_port/" >/dev/null && break; sleep 0.1; done
expect 0 "valid signature: gpg simple signing \(http://127.0.0.1:$web_port/gpg/good@" \
	ctl image verify "$REG/gpg/good:v1" --gpg-keyring good.gpg --lookaside "http://127.0.0.1:$web_port"
expect 1 "Signatures:  none found" ctl image verify "$REG/gpg/unsigned:v1" --gpg-keyring good.gpg \
	--lookaside "http://127.0.0.1:$web_port/"
kill "$web_pid" 2>/dev/null
wait "$web_pid" 2>/dev/null || true
pass "lookaside store over HTTP"

echo "all gpg signature checks passed"
