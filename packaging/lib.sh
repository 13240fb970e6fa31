# shellcheck shell=bash
# Shared by the packaging scripts (sourced, not run): the version and a bounded apt-get install.

# The package version, from Cargo.toml's [package] table.
ferry_version() {
    local version
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    [ -n "$version" ] || { echo "no version in Cargo.toml" >&2; return 1; }
    echo "$version"
}

# apt-get install PACKAGES... (as root), refreshing the package lists once if they are stale.
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout 900 apt-get install -y -q --no-install-recommends "$@" >/dev/null; then
        timeout 300 apt-get update -q >/dev/null
        timeout 900 apt-get install -y -q --no-install-recommends "$@" >/dev/null
    fi
}
