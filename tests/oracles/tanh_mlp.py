# Oracle for tests/fixtures/unseen/tanh_mlp.deriv: central differences of the loss written
# directly, against the closed form sum_o (y_o - t_o) W_oi (1 - g_i^2) x_j.
import mpmath as mp, random
mp.mp.dps=40
random.seed(1)
H,N,M=3,4,2
A=[[mp.mpf(random.uniform(-1,1)) for _ in range(N)] for _ in range(H)]
x=[mp.mpf(random.uniform(-1,1)) for _ in range(N)]
W=[[mp.mpf(random.uniform(-1,1)) for _ in range(H)] for _ in range(M)]
t=[mp.mpf(random.uniform(-1,1)) for _ in range(M)]
def E(A):
    z=[sum(A[i][l]*x[l] for l in range(N)) for i in range(H)]
    g=[mp.tanh(zi) for zi in z]
    y=[sum(W[o][k]*g[k] for k in range(H)) for o in range(M)]
    return sum((y[r]-t[r])**2 for r in range(M))/2, z,g,y
worst=0
for i in range(H):
  for j in range(N):
    h=mp.mpf('1e-12')
    Ap=[row[:] for row in A]; Am=[row[:] for row in A]
    Ap[i][j]+=h; Am[i][j]-=h
    num=(E(Ap)[0]-E(Am)[0])/(2*h)
    _,z,g,y=E(A)
    closed=sum((y[o]-t[o])*W[o][i]*(1-g[i]**2)*x[j] for o in range(M))
    worst=max(worst, abs(num-closed)/abs(closed))
print("worst rel err", mp.nstr(worst,3))
