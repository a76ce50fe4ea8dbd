#!/bin/sh
# Tivoli environment (sourced by administrators)
DBDIR=/var/spool/Tivoli/tmr01.db
export DBDIR
INTERP=linux-ix86
export INTERP
