#!/bin/bash
# The container's health check: GET /health/ready on the hub's port with bash alone (the image has no curl).
exec 3<>"/dev/tcp/127.0.0.1/${MODELHUB_PORT:-8080}" || exit 1
printf 'GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || exit 1
case "$status" in
  "HTTP/1.1 200"*) exit 0 ;;
  *) exit 1 ;;
esac
