#!/bin/bash
# The signature gate on pulls and loads (signature_enforce, called by the
# pull before anything is tagged in the cache): refused images leave the
# cache without a tag and the kernel without a program; the verification
# cache makes a warm pull skip the check until the policy (or a key file)
# changes. Needs root (load image) and the image-api pull with the gate
# wired (libbpfman/image/pull.c calls signature_enforce).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || fail "needs root (it loads programs)"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
OBJ=${BPF_OBJ_DIR:?set BPF_OBJ_DIR}/tracepoint_counter.bpf.o
sign_setup
cd "$T"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out key.pub
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.pem 2>/dev/null

write_config() { # ALLOW_UNSIGNED
	cat > config.yaml <<-EOY
	registries:
	  - location: $REG
	    insecure: true
	signing:
	  allow_unsigned: $1
	  rules:
	    - scope: $REG/strict
	      require_signature: true
	      cosign: {keys: [$T/key.pub]}
	    - scope: $REG/lax
	      cosign: {keys: [$T/key.pub]}
	EOY
}
write_config true

push() { push_image "$1" "$OBJ" '{"count_getpid":"tracepoint"}' >/dev/null; }
cached() { ctl image list -o json | python3 -c 'import json,sys; print(" ".join(i["reference"] for i in json.load(sys.stdin)))'; }
progs() { ctl list programs -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

push strict/signed:v1
push strict/unsigned:v1
push strict/badsig:v1
push lax/unsigned:v1
push lax/badsig:v1
push nowhere/unsigned:v1
ctl image sign "$REG/strict/signed:v1" --key key.pem >/dev/null || fail "sign"
ctl image sign "$REG/strict/badsig:v1" --key other.pem >/dev/null || fail "sign"
ctl image sign "$REG/lax/badsig:v1" --key other.pem >/dev/null || fail "sign"

before=$(progs)
expect 0 "" ctl image pull "$REG/strict/signed:v1"
for ref in strict/unsigned:v1 strict/badsig:v1 lax/badsig:v1; do
	expect 7 "image $REG/$ref \(sha256:[0-9a-f]{64}\) refused by signing rule" \
		ctl load image -i "$REG/$ref" --programs tracepoint:count_getpid
	case $(cached) in *"$ref"*) fail "refused image $ref is tagged in the cache: $(cached)" ;; esac
done
grep -q "bad signature" <<<"$LAST_OUT" || fail "refusal does not say what was found: $LAST_OUT"
[ "$(progs)" = "$before" ] || fail "a refused load left programs behind"
pass "refused loads load nothing and tag nothing"

expect 0 "is unsigned; allowed because rule $REG/lax does not require" \
	ctl -v image pull "$REG/lax/unsigned:v1"
expect 0 "no signing rule covers" ctl -v image pull "$REG/nowhere/unsigned:v1"
pass "unsigned images allowed with a warning where the policy allows them"

write_config false
expect 7 "no rule .*covers|no signing rule covers $REG/nowhere/unsigned" \
	ctl image pull -p Always "$REG/nowhere/unsigned:v1"
pass "allow_unsigned: false refuses images no rule covers"

# Warm cache: the second pull does not re-verify; a key file change does.
expect 0 "" ctl -vv image pull -p Always "$REG/strict/signed:v1"
expect 0 "verified before under this policy" ctl -vv image pull -p Always "$REG/strict/signed:v1"
openssl pkey -in key.pem -pubout > key.pub.new
printf '\n' >> key.pub.new && mv key.pub.new key.pub
out=$(ctl -vv image pull -p Always "$REG/strict/signed:v1" 2>&1) || fail "pull after key file change: $out"
grep -q "verified before under this policy" <<<"$out" && fail "a changed key file did not invalidate the verification cache"
ls "$BPFMAN_IMAGE_CACHE_DIR/verified" | grep -Eq '^[0-9a-f]{64}$' || fail "no verification record written"
pass "verification cache: warm pulls skip the check, a key change re-verifies"

# Cached loads (IfNotPresent, Never) follow the policy as it is now: an
# unsigned image pulled while allowed is refused once the rule requires
# signatures, without being loaded.
write_config true
push lax/later:v1
expect 0 "" ctl image pull "$REG/lax/later:v1"
expect 0 "" ctl image pull -p IfNotPresent "$REG/lax/later:v1"
sed -i 's|scope: '"$REG"'/lax$|scope: '"$REG"'/lax\n      require_signature: true|' config.yaml
grep -q "require_signature: true" config.yaml || fail "config edit failed"
before=$(progs)
expect 7 "not checked under the current signature policy" \
	ctl load image -i "$REG/lax/later:v1" -p Never --programs tracepoint:count_getpid
expect 7 "refused by signing rule $REG/lax .*no signature found" \
	ctl load image -i "$REG/lax/later:v1" -p IfNotPresent --programs tracepoint:count_getpid
[ "$(progs)" = "$before" ] || fail "a refused cached load left programs behind"
pass "cached loads are checked again when the policy changes"

before=$(progs)
expect 0 "" ctl load image -i "$REG/strict/signed:v1" -p Always --programs tracepoint:count_getpid -o json
[ "$(progs)" -gt "$before" ] || fail "signed image did not load"
for id in $(ctl list programs -o json | python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)]'); do
	ctl unload "$id" >/dev/null 2>&1 || true
done
pass "a signed image loads"
echo "all pull-gate checks passed"
