<?php
// Appended (auto_append_file) to the storecredit.balance V1 seed example, which stores the result in $balanceAmount
// and prints nothing: this shows what PHP decoded without changing a byte of the example.
var_dump($balanceAmount);
