import numpy as np
from scipy.stats import norm
P=[(.90,.85),(.75,.80),(.60,.55),(.55,.70),(.40,.35),(.80,.60)]
N=[(.30,.20),(.55,.50),(.20,.25),(.65,.75),(.10,.15),(.45,.40)]
psi=lambda a,b: 1.0 if a>b else (0.5 if a==b else 0.0)
def strat(sites):
    # sites: list of (pos idx list, neg idx list); models r=0 h0 (comparator), r=1 hg (target)
    W=sum(len(p)*len(n) for p,n in sites)
    delta=0.0; var=0.0
    D10s=[];D01s=[]
    for p,n in sites:
        M,Nn=len(p),len(n)
        D10=[np.mean([psi(P[i][1],N[j][1]) for j in n])-np.mean([psi(P[i][0],N[j][0]) for j in n]) for i in p]
        D01=[np.mean([psi(P[i][1],N[j][1]) for i in p])-np.mean([psi(P[i][0],N[j][0]) for i in p]) for j in n]
        D10s.append(D10);D01s.append(D01)
        delta+=M*Nn/W*np.mean(D10)
    def pooled(Ds):
        ss=sum(sum((x-np.mean(D))**2 for x in D) for D in Ds if len(D)>=2)
        df=sum(len(D)-1 for D in Ds if len(D)>=2)
        return ss/df if df>0 else 1.0
    s10=pooled(D10s); s01=pooled(D01s)
    for (p,n),D10,D01 in zip(sites,D10s,D01s):
        M,Nn=len(p),len(n); w=M*Nn/W
        v10=np.var(D10,ddof=1) if M>=2 else s10
        v01=np.var(D01,ddof=1) if Nn>=2 else s01
        var+=w*w*(v10/M+v01/Nn)
    se=np.sqrt(var); z=delta/se
    print(sites, repr(delta), repr(se), repr(z), repr(norm.cdf(z)), 'pooled', repr(s10), repr(s01))
strat([([0,1,2,3,4,5],[0,1,2,3,4,5])])
strat([([0,1,2],[0,1,2]),([3,4,5],[3,4,5])])
strat([([0],[0,1]),([1,2,3],[2,3,4]),([4,5],[5])])
strat([([0],[0,1,2]),([1],[3,4]),([2,3,4,5],[5])])
strat([([0],[0,1,2]),([1],[3,4]),([2],[5])])
