#!/usr/bin/env bash
# Install the system packages ikuanalysis needs besides Python: Chromium prints the PDF.
# Runs apt-get when we are root (or have sudo); otherwise says what to install.
set -euo pipefail
for browser in chromium chromium-browser google-chrome; do
  if command -v "$browser" >/dev/null 2>&1; then exit 0; fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is needed to print the PDF: install it with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "Chromium is needed to print the PDF: run 'sudo apt-get install -y chromium'." >&2
  exit 1
fi
echo "Installing Chromium (for the PDF report) with apt-get ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
