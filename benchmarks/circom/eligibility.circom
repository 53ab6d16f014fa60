pragma circom 2.0.0;
// The eligibility reference circuit of benchmarks/gadgets.py, written the usual circom way:
// a Poseidon Merkle membership of depth 20 (a path bit and a sibling per level) and an
// 8-bit age >= min_age. zkmpc's version is benchmarks.groth16.merkle_circuit.
include "poseidon.circom";
include "comparators.circom";

template Level() {
    signal input node;
    signal input sibling;
    signal input bit;
    signal output out;
    bit * (1 - bit) === 0;
    signal left;
    left <== bit * (sibling - node) + node;
    component h = Poseidon(2);
    h.inputs[0] <== left;
    h.inputs[1] <== node + sibling - left;
    out <== h.out;
}

template Eligible(depth) {
    signal input root;
    signal input min_age;
    signal input leaf;
    signal input age;
    signal input path[depth];
    signal input siblings[depth];
    component levels[depth];
    for (var i = 0; i < depth; i++) {
        levels[i] = Level();
        levels[i].node <== i == 0 ? leaf : levels[i - 1].out;
        levels[i].sibling <== siblings[i];
        levels[i].bit <== path[i];
    }
    root === levels[depth - 1].out;
    component ageBits = Num2Bits(8);
    ageBits.in <== age;
    component minBits = Num2Bits(8);
    minBits.in <== min_age;
    component ge = GreaterEqThan(8);
    ge.in[0] <== age;
    ge.in[1] <== min_age;
    ge.out === 1;
}

component main {public [root, min_age]} = Eligible(20);
