#!/bin/sh
# One backup of the tracker (database + uploaded files, one archive with checksums), then
# only the newest TRACKER_BACKUP_KEEP archives are kept. Run nightly by
# tracker-backup.timer; by hand: `sudo -u tracker --preserve-env … deploy/backup.sh`.
#
#   TRACKER_BACKUP_DIR   where the archives go        (default /var/backups/tracker)
#   TRACKER_BACKUP_KEEP  how many to keep             (default 14)
#   TRACKER_APP_DIR      the release being served     (default: the folder above this one)
#   TRACKER_PYTHON       its Python                   (default $TRACKER_APP_DIR/.venv/bin/python)
# DATABASE_URL, UPLOAD_FOLDER, … come from the environment, as for the app servers.
set -eu

app=${TRACKER_APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
python=${TRACKER_PYTHON:-$app/.venv/bin/python}
dir=${TRACKER_BACKUP_DIR:-/var/backups/tracker}
keep=${TRACKER_BACKUP_KEEP:-14}
case $keep in ''|*[!0-9]*|0) echo "TRACKER_BACKUP_KEEP must be a number above 0" >&2; exit 2 ;; esac

mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dir/tracker-$stamp.tar"
part="$dir/.tracker-$stamp.tar.part"
cd "$app"
# Written under another name first: an archive cut short (a full disk, a reboot) is never
# taken for a good one, and never pushes a good one out of the kept set.
"$python" -m flask --app wsgi backup "$part"
mv "$part" "$final"
echo "$final"

# The names sort by time (UTC stamps): drop all but the newest $keep.
ls -1 "$dir" | grep -E '^tracker-[0-9]{8}T[0-9]{6}Z\.tar$' | sort -r | tail -n +"$((keep + 1))" |
while read -r old; do
    rm -f -- "$dir/$old"
done
