"""An eligibility proof: the holder was born at least ``min_age`` years before ``year``,
without revealing the birth year.

    zkmpc compile examples/age.py:AgeAtLeast -o build
    zkmpc setup build/AgeAtLeast.r1cs build/age.zkmpc-pk build/verification_key.json
    echo '{"min_age": 18, "year": 2026, "birth_year": 1990}' > build/input.json
    zkmpc prove examples/age.py:AgeAtLeast build/input.json build/age.zkmpc-pk \
        build/proof.json build/public.json
    zkmpc verify build/verification_key.json build/public.json build/proof.json
"""

from circuits import Circuit, Public, Secret, UInt


class AgeAtLeast(Circuit):
    min_age: Public[UInt[8]]
    year: Public[UInt[16]]
    birth_year: Secret[UInt[16]]

    def define(self, api):
        api.assert_true(self.birth_year <= self.year)
        age = api.as_uint(self.year - self.birth_year, 16)  # non-negative: checked above
        api.assert_true(age >= self.min_age)
