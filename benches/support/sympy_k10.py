"""The SymPy side of the README's comparison: simplify(diff(L, s_1)) for the unrolled softmax
cross-entropy at K = 10. Run: python3 benches/support/sympy_k10.py"""
import sympy as sp
K = 10
s = sp.symbols('s1:%d' % (K + 1))
q = sp.symbols('q1:%d' % (K + 1))
Z = sum(sp.exp(x) for x in s)
L = -sum(qj * sp.log(sp.exp(sj) / Z) for qj, sj in zip(q, s))
print(sp.simplify(sp.diff(L, s[0])))
