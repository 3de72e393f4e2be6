#!/bin/sh
# Certificates for the mutual TLS between the server and the core-banking gateway, for a trial of
# the production shape (docker-compose, the end-to-end test): a private CA, the gateway's server
# certificate and the server's client certificate. A bank issues these from its own internal CA.
# Usage: scripts/gateway-certs.sh <out-dir> [gateway host names, comma-separated]
set -eu
out=${1:?usage: scripts/gateway-certs.sh <out-dir> [hosts]}
hosts=${2:-core-gateway,localhost}
mkdir -p "$out"
san="IP:127.0.0.1"
for h in $(echo "$hosts" | tr ',' ' '); do san="$san,DNS:$h"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/ca.key" -out "$out/ca.pem" \
  -days 365 -subj "/O=Trial/CN=core-gateway trial CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
issue() { # name subject extension
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/$1.key" -out "$out/$1.csr" \
    -subj "$2" 2>/dev/null
  printf '%s\n' "$3" > "$out/$1.ext"
  openssl x509 -req -in "$out/$1.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial -days 365 \
    -extfile "$out/$1.ext" -out "$out/$1.pem" 2>/dev/null
  rm -f "$out/$1.csr" "$out/$1.ext"
}
issue gateway "/O=Trial/CN=core-gateway" "subjectAltName=$san
extendedKeyUsage=serverAuth"
issue client "/O=Trial/CN=api-renkei server" "extendedKeyUsage=clientAuth"
chmod 600 "$out"/*.key
echo "wrote $out/{ca,gateway,client}.{pem,key}"
