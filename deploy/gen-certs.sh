#!/bin/sh
# Creates the PKI for podfit serve next to kube-scheduler (ECDSA P-256, 1 year):
#   ca.crt/ca.key                     a CA for this purpose only
#   server.crt/server.key             podfit's serving certificate (Service DNS names + ClusterIP)
#   kube-scheduler.crt/.key           kube-scheduler's client certificate (the extender's tlsConfig)
# and prints the kubectl commands that store them.
#   sh deploy/gen-certs.sh [out-dir] [cluster-ip]
set -eu
out=${1:-podfit-pki}
ip=${2:-10.96.200.10}
mkdir -p "$out"
cd "$out"
ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }
ec ca.key
openssl req -x509 -new -key ca.key -sha256 -days 365 -subj "/CN=podfit-extender-ca" -out ca.crt
ec server.key
openssl req -new -key server.key -subj "/CN=podfit-extender" -out server.csr
printf 'subjectAltName=DNS:podfit-extender,DNS:podfit-extender.podfit-system,DNS:podfit-extender.podfit-system.svc,DNS:podfit-extender.podfit-system.svc.cluster.local,IP:%s\nextendedKeyUsage=serverAuth\n' "$ip" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -sha256 -extfile server.ext -out server.crt
ec kube-scheduler.key
openssl req -new -key kube-scheduler.key -subj "/CN=system:kube-scheduler" -out kube-scheduler.csr
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in kube-scheduler.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -sha256 -extfile client.ext -out kube-scheduler.crt
rm -f ./*.csr ./*.ext ./*.srl
cat <<MSG
Created in $out/. Store them with:
  kubectl -n podfit-system create secret tls podfit-extender-tls --cert=$out/server.crt --key=$out/server.key
  kubectl -n podfit-system create secret generic podfit-extender-client-ca --from-file=ca.crt=$out/ca.crt
and copy ca.crt, kube-scheduler.crt and kube-scheduler.key to /etc/kubernetes/podfit/ on each
control-plane node (keep ca.key offline).
MSG
