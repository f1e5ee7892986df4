#!/bin/sh
# make-pki.sh DIR: the certificates the mutual-TLS test needs, made with the
# openssl command line: two CAs, a server certificate (127.0.0.1), a good
# client, a reader client, a client of the other CA, an expired client and a client whose
# extended key usage is serverAuth only.
set -eu
d=$1
cd "$d"
ca() {  # name
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=$1" -keyout "$1.key" -out "$1.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		2>/dev/null
}
leaf() {  # name ca extensions...
	name=$1 issuer=$2
	shift 2
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
		-keyout "$name.key" -out "$name.csr" 2>/dev/null
	printf '%s\n' "$@" > "$name.ext"
	openssl x509 -req -in "$name.csr" -CA "$issuer.crt" -CAkey "$issuer.key" -CAcreateserial \
		-days 2 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
}
ca ca
ca otherca
leaf server ca "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
	"keyUsage=critical,digitalSignature"
leaf client ca "subjectAltName=DNS:client.example,URI:spiffe://example/app" \
	"extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature"
leaf reader ca "subjectAltName=URI:spiffe://example/reader" "extendedKeyUsage=clientAuth" \
	"keyUsage=critical,digitalSignature"
leaf other otherca "extendedKeyUsage=clientAuth"
leaf wrongusage ca "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature"
# Expired: openssl ca sets explicit dates in the past.
mkdir -p db && : > db/index && echo 01 > db/serial
cat > ca.cnf <<CNF
[ca]
default_ca = c
[c]
database = db/index
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = p
copy_extensions = none
[p]
commonName = supplied
[ext]
extendedKeyUsage = clientAuth
keyUsage = critical,digitalSignature
CNF
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=expired" \
	-keyout expired.key -out expired.csr 2>/dev/null
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr -out expired.crt \
	-startdate 20200101000000Z -enddate 20200201000000Z -extensions ext -notext 2>/dev/null
