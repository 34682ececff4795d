#!/usr/bin/env bash
# Layer rules the compiler cannot see, checked on the source (make test runs
# this with the static checks; it takes a second):
#
#  1. Team-owned rows are reached only through src/server/db/scoped.rs
#     (`find_in(ctx)`, `find_by_id_in`, `update_many_in`, `delete_many_in`;
#     jobs and inbound webhooks say `*_across_teams`): no bare
#     `Entity::find()`, `find_by_id`, `update_many`, `delete_many` or
#     `delete_by_id` on an entity with a team_id, and no hand-written
#     `Column::TeamId.eq` filter, anywhere else.
#  2. Server functions hold no SQL: nothing under src/serverfns/ imports
#     SeaORM or the entities; they call a service and return a view.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
fail() { printf '\033[1;31mlayer rule broken:\033[0m %s\n' "$1"; printf '%s\n' "$2" | sed 's/^/    /'; status=1; }

owned=$(grep -l 'pub team_id' src/server/db/entities/*.rs | xargs -n1 basename | sed 's/\.rs$//' | paste -sd'|')
hits=$(grep -rnE "\b($owned)::Entity::(find|find_by_id|update_many|delete_many|delete_by_id)\b|\b($owned)::Column::TeamId\.eq\b" src \
  --include='*.rs' | grep -v '^src/server/db/scoped.rs:')
[ -z "$hits" ] || fail "team-owned rows reached without the team scope (use TeamOwned::find_in(ctx) & co., src/server/db/scoped.rs)" "$hits"

hits=$(grep -rnE "\bsea_orm\b|server::db::entities" src/serverfns --include='*.rs')
[ -z "$hits" ] || fail "a server function reaches the store directly (move the query into a service)" "$hits"

exit $status
