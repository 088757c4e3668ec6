# expect: 2: unknown header
@dimensionz 2
@data
1
