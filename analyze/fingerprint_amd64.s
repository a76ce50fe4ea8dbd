//go:build amd64 && !purego

#include "textflag.h"

// func hashBlocks(p *byte, n int, lo, hi uint64) (nlo, nhi uint64)
//
// hashBlocksGo (fingerprint.go) with SSE2: sixteen bytes are loaded at
// once, their digits found by two signed compares (a byte of 0x80 or more
// is negative: no digit) and their low nibbles cleared; each half then
// takes its lane's multiply-rotate round.
TEXT ·hashBlocks(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ lo+16(FP), AX
	MOVQ hi+24(FP), BX
	MOVOU fpBelow<>(SB), X5
	MOVOU fpAbove<>(SB), X6
	MOVOU fpNibble<>(SB), X7
	MOVQ $0x9e3779b185ebca87, R8
	MOVQ $0xc2b2ae3d27d4eb4f, R9
	LEAQ -16(SI)(CX*1), DI
	MOVQ CX, DX
	SHRQ $4, DX
	ANDQ $15, CX

#define ROUND(ptr) \
	MOVOU (ptr), X0; \
	MOVO X0, X1; \
	PCMPGTB X5, X1; \
	MOVO X6, X2; \
	PCMPGTB X0, X2; \
	PAND X2, X1; \
	PAND X7, X1; \
	PANDN X0, X1; \
	PSHUFD $0x4e, X1, X2; \
	MOVQ X1, R10; \
	MOVQ X2, R11; \
	XORQ R10, AX; \
	IMULQ R8, AX; \
	ROLQ $31, AX; \
	XORQ R11, BX; \
	IMULQ R9, BX; \
	ROLQ $29, BX

loop:
	ROUND(SI)
	ADDQ $16, SI
	DECQ DX
	JNZ loop
	TESTQ CX, CX
	JZ done
	ROUND(DI)

done:
	MOVQ AX, nlo+32(FP)
	MOVQ BX, nhi+40(FP)
	RET

DATA fpBelow<>+0(SB)/8, $0x2f2f2f2f2f2f2f2f
DATA fpBelow<>+8(SB)/8, $0x2f2f2f2f2f2f2f2f
GLOBL fpBelow<>(SB), RODATA|NOPTR, $16
DATA fpAbove<>+0(SB)/8, $0x3a3a3a3a3a3a3a3a
DATA fpAbove<>+8(SB)/8, $0x3a3a3a3a3a3a3a3a
GLOBL fpAbove<>(SB), RODATA|NOPTR, $16
DATA fpNibble<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA fpNibble<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL fpNibble<>(SB), RODATA|NOPTR, $16
