<?php
// Appended (auto_append_file) to a seed example after its own var_dump: the example's $result once more, as typed
// JSON (dump_typed, prepended from test/helpers/php.ts) on a line of its own after a marker.
echo "\n--- typed result\n";
dump_typed($result);
