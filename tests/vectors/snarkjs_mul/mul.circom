pragma circom 2.0.0;

// c = a * b with a, b secret, plus a public input d that must equal a + c
template MulAdd() {
    signal input a;
    signal input b;
    signal input d;
    signal output c;
    c <== a * b;
    d === a + c;
}

component main {public [d]} = MulAdd();
