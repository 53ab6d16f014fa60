"""The witness-program fuzz target (tests/fuzz/targets_program.py) reaches every instruction:
its seeds hold each opcode of the format (zkp.program), and mutants of each seed are loaded
and run by both twins (test_fuzz_parsers.py runs the target itself)."""

from __future__ import annotations

import random
import struct

import pytest

from .targets_program import load_and_run_program, mutate_program, program_seeds

#: the format's instructions (zkp/program.py's docstring): opcode -> (name, words before the
#: LC list, the header words counting its LCs)
INSTRUCTIONS = {1: ("MULADD", 5, ()), 2: ("DIV", 4, ()), 3: ("ISZERO", 3, ()), 4: ("BITS", 5, ()),
                5: ("HINT", 5, (3,)), 6: ("CHECK", 4, ()), 7: ("DIVMOD", 8, (3, 4, 5)),
                8: ("CARRIES", 8, (3, 4, 5, 6, 7)), 9: ("MODDIV", 12, (3, 4, 5, 6, 7, 8, 9))}


def opcodes(program: bytes) -> list[int]:
    """The opcodes of a stored program's code section, in order."""
    ncoef, nlc, nterms, ncode = struct.unpack_from("<4I", program, 16)
    start = 48 + 32 * ncoef + 4 * nlc + 8 * nterms
    code = struct.unpack_from(f"<{ncode}I", program, start)
    out, at = [], 0
    while at < len(code):
        op = code[at]
        _, fixed, counts = INSTRUCTIONS[op]
        out.append(op)
        at += fixed + sum(code[at + i] for i in counts)
    assert at == len(code)
    return out


def test_the_seeds_hold_every_instruction() -> None:
    seen = {op for seed in program_seeds() for op in opcodes(seed)}
    assert seen == set(INSTRUCTIONS), f"no seed has {sorted(INSTRUCTIONS[o][0] for o in set(INSTRUCTIONS) - seen)}"


@pytest.mark.parametrize("op", sorted(INSTRUCTIONS), ids=[v[0] for _, v in sorted(INSTRUCTIONS.items())])
def test_mutants_of_a_seed_with_each_instruction_load_and_run(op: int) -> None:
    """Edited or cut programs that hold the instruction: some load (and then run in both twins,
    which agree), the rest are refused with the documented error."""
    from zkp.errors import ZkpError

    seeds = program_seeds()
    seed = next(s for s in seeds if op in opcodes(s))
    rng, loaded = random.Random(op), 0
    for _ in range(40):
        data = mutate_program(rng, seed, seeds)
        try:
            load_and_run_program(data)
            loaded += 1
        except ZkpError as exc:
            assert isinstance(exc, (ValueError, TypeError)), repr(exc)
    assert loaded > 0
