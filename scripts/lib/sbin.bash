# shellcheck shell=bash
# sbin.bash: /usr/sbin and /sbin on PATH, for scripts/capture and
# scripts/lab. Debian's PATH for an ordinary user has no /usr/sbin, where
# nft and tc are: without it, "nft is not installed" would be false.
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/sbin:/sbin" ;;
esac
