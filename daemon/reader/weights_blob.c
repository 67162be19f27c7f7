// SPDX-License-Identifier: MIT
/*
 * weights_blob.c - the weights built into the library, taken byte for
 * byte from training/weights/chars.bin (the character classifier) and
 * training/weights/lines.bin (the line recognizer); provenance:
 * docs/reader.md. The build runs from the top directory, so .incbin finds
 * the file by that path; build.mk makes the object depend on it. Its
 * length is a symbol too, so no C code subtracts unrelated pointers.
 */
__asm__(".section .rodata\n"
	".global anpr_reader_weights\n"
	".global anpr_reader_weights_end\n"
	".balign 16\n"
	"anpr_reader_weights:\n"
	".incbin \"training/weights/chars.bin\"\n"
	"anpr_reader_weights_end:\n"
	".byte 0\n"
	".balign 8\n"
	".global anpr_reader_weights_len\n"
	"anpr_reader_weights_len:\n"
	".quad anpr_reader_weights_end - anpr_reader_weights\n"
	".balign 16\n"
	".global anpr_reader_line_weights\n"
	"anpr_reader_line_weights:\n"
	".incbin \"training/weights/lines.bin\"\n"
	"anpr_reader_line_weights_end:\n"
	".byte 0\n"
	".balign 8\n"
	".global anpr_reader_line_weights_len\n"
	"anpr_reader_line_weights_len:\n"
	".quad anpr_reader_line_weights_end - anpr_reader_line_weights\n"
	".previous\n");
