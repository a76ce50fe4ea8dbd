#!/bin/sh
# Tivoli environment (sourced by administrators)
DBDIR=/var/spool/Tivoli/tivgw04.db
export DBDIR
INTERP=linux-ix86
export INTERP
BINDIR=/usr/local/Tivoli/bin/linux-ix86
export BINDIR
