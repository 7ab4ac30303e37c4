import numpy as np
from scipy.stats import norm
psi=lambda a,b: 1.0 if a>b else (0.5 if a==b else 0.0)
# site: (positives [(h0,hg)], negatives [(h0,hg)])
sites={
 'A': ([(.62,.71)], [(.30,.45),(.70,.40),(.55,.75),(.20,.10)]),
 'B': ([(.81,.66),(.47,.58),(.35,.52),(.74,.90)], [(.50,.41),(.28,.60),(.66,.33)]),
 'C': ([(.58,.49),(.91,.87),(.44,.61)], [(.52,.50)]),
}
def run(sites):
    W=sum(len(p)*len(n) for p,n in sites.values())
    delta=0.0; D10s=[];D01s=[]
    auc=[0.0,0.0]
    for p,n in sites.values():
        M,Nn=len(p),len(n)
        V10=[[np.mean([psi(x[r],y[r]) for y in n]) for x in p] for r in (0,1)]
        V01=[[np.mean([psi(x[r],y[r]) for x in p]) for y in n] for r in (0,1)]
        D10=[a-b for a,b in zip(V10[1],V10[0])]; D01=[a-b for a,b in zip(V01[1],V01[0])]
        D10s.append(D10);D01s.append(D01)
        delta+=M*Nn/W*np.mean(D10)
        for r in (0,1): auc[r]+=M*Nn/W*np.mean(V10[r])
    def pooled(Ds):
        ss=sum(sum((x-np.mean(D))**2 for x in D) for D in Ds if len(D)>=2)
        df=sum(len(D)-1 for D in Ds if len(D)>=2)
        return (ss/df if df>0 else 1.0), df
    (s10,df10),(s01,df01)=pooled(D10s),pooled(D01s)
    var=0.0
    for (p,n),D10,D01 in zip(sites.values(),D10s,D01s):
        M,Nn=len(p),len(n); w=M*Nn/W
        v10=np.var(D10,ddof=1) if M>=2 else s10
        v01=np.var(D01,ddof=1) if Nn>=2 else s01
        var+=w*w*(v10/M+v01/Nn)
    se=np.sqrt(var); z=delta/se
    print('W',W,'auc',[repr(a) for a in auc],'delta',repr(delta),'se',repr(se),'z',repr(z),'pV',repr(norm.cdf(z)),'pooled',repr(s10),df10,repr(s01),df01)
    print('wald90',repr(delta-norm.ppf(.95)*se),repr(delta+norm.ppf(.95)*se))
run(sites)
# bound case: every site a single positive
run({'A':([(.62,.71)],[(.30,.45),(.70,.40),(.55,.75)]),'B':([(.47,.58)],[(.50,.41),(.28,.60)]),'C':([(.91,.87)],[(.52,.50),(.95,.20)])})
