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

// The round of ROUND on X0, already loaded; CX is scratch.
#define ROUNDX0 \
	MOVO X0, X1; \
	PCMPGTB X5, X1; \
	MOVO X6, X2; \
	PCMPGTB X0, X2; \
	PAND X2, X1; \
	PAND X7, X1; \
	PANDN X0, X1; \
	PSHUFD $0x4e, X1, X2; \
	MOVQ X1, CX; \
	XORQ CX, AX; \
	IMULQ fpMulH<>(SB), AX; \
	ROLQ $31, AX; \
	MOVQ X2, CX; \
	XORQ CX, BX; \
	IMULQ fpMulG<>(SB), BX; \
	ROLQ $29, BX

// func lineFingerprints(data []byte, fps []uint64, ends []int32) (n int)
//
// For each line: from its start, sixteen bytes at a time, a compare
// finds a newline; a block without one takes its round; at the newline,
// the line's last sixteen bytes take theirs (a line shorter than sixteen
// bytes: its first block with the bytes from the newline on cleared, as
// the zeros fingerprint pads it with), then the mix of fingerprint.
// SI: the line's start; DX: the block; R8: the line's length; R9: its
// newline; R10: lines left; R12: the data's end; R13: its start.
TEXT ·lineFingerprints(SB), NOSPLIT, $0-80
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), CX
	MOVQ SI, R13
	LEAQ (SI)(CX*1), R12
	MOVQ fps_base+24(FP), DI
	MOVQ fps_len+32(FP), R10
	MOVQ ends_base+48(FP), R11
	MOVOU fpBelow<>(SB), X5
	MOVOU fpAbove<>(SB), X6
	MOVOU fpNibble<>(SB), X7
	MOVOU fpNewline<>(SB), X8

line:
	TESTQ R10, R10
	JZ out
	MOVQ $0x9e3779b97f4a7c15, AX
	MOVQ $0x243f6a8885a308d3, BX
	MOVQ SI, DX

block:
	MOVQ R12, CX
	SUBQ DX, CX
	CMPQ CX, $16
	JLT out
	MOVOU (DX), X0
	MOVO X0, X3
	PCMPEQB X8, X3
	PMOVMSKB X3, CX
	TESTL CX, CX
	JNZ found
	ROUNDX0
	ADDQ $16, DX
	JMP block

found:
	BSFL CX, CX
	LEAQ (DX)(CX*1), R9
	MOVQ R9, R8
	SUBQ SI, R8
	JZ mix
	CMPB -1(R9), $0x0d
	JEQ out
	TESTQ CX, CX
	JZ mix
	CMPQ R8, $16
	JLT short
	MOVOU -16(R9), X0
	ROUNDX0
	JMP mix

short:
	LEAQ fpKeep<>+16(SB), CX
	SUBQ R8, CX
	MOVOU (CX), X1
	PAND X1, X0
	ROUNDX0

mix:
	ROLQ $29, BX
	XORQ BX, AX
	MOVQ $0x9e3779b97f4a7c15, CX
	IMULQ R8, CX
	XORQ CX, AX
	IMULQ fpMix<>(SB), AX
	MOVQ AX, CX
	SHRQ $29, CX
	XORQ CX, AX
	MOVQ AX, (DI)
	ADDQ $8, DI
	MOVQ R9, CX
	SUBQ R13, CX
	MOVL CX, (R11)
	ADDQ $4, R11
	DECQ R10
	LEAQ 1(R9), SI
	JMP line

out:
	MOVQ DI, CX
	SUBQ fps_base+24(FP), CX
	SHRQ $3, CX
	MOVQ CX, n+72(FP)
	RET

DATA fpNewline<>+0(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA fpNewline<>+8(SB)/8, $0x0a0a0a0a0a0a0a0a
GLOBL fpNewline<>(SB), RODATA|NOPTR, $16
DATA fpKeep<>+0(SB)/8, $0xffffffffffffffff
DATA fpKeep<>+8(SB)/8, $0xffffffffffffffff
DATA fpKeep<>+16(SB)/8, $0
DATA fpKeep<>+24(SB)/8, $0
GLOBL fpKeep<>(SB), RODATA|NOPTR, $32
DATA fpMulH<>+0(SB)/8, $0x9e3779b185ebca87
GLOBL fpMulH<>(SB), RODATA|NOPTR, $8
DATA fpMulG<>+0(SB)/8, $0xc2b2ae3d27d4eb4f
GLOBL fpMulG<>(SB), RODATA|NOPTR, $8
DATA fpMix<>+0(SB)/8, $0xff51afd7ed558ccd
GLOBL fpMix<>(SB), RODATA|NOPTR, $8
