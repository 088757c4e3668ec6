# expect: 2: expected a header line
1,2,3:a
@data
