#!/usr/bin/env bash
# Publishes the silo (discovery-silo) and the command line (discovery) into one folder an operator copies to a PoP.
#   deployment/publish.sh [OUT]      (default OUT: ./publish)
# Framework-dependent: the PoP needs the ASP.NET Core 10 runtime (and libvirt0), not the SDK.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-publish}")"
rm -rf "$out/silo" "$out/cli"
dotnet publish "$repo/src/Discovery.Silo/Discovery.Silo.csproj" -c Release -o "$out/silo" --nologo -v quiet
dotnet publish "$repo/src/Discovery.Cli/Discovery.Cli.csproj" -c Release -o "$out/cli" --nologo -v quiet
cp -r "$repo/deployment/systemd" "$repo/deployment/examples" "$repo/deployment/scripts" "$out/"
echo "published to $out:"
echo "  silo: dotnet $out/silo/discovery-silo.dll --help"
echo "  cli:  dotnet $out/cli/discovery.dll --help"
