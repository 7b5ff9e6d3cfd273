set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 24 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.2343 25.2535
0.420445 26.6235
0.736445 28.1476
EOD
$c1 << EOD
0.276992 25.8611
0.566594 28.7748
0.945122 31.1644
EOD
$c2 << EOD
0.110697 23.2565
0.233827 24.5961
0.411589 25.8369
0.706623 27.1786
EOD
$c3 << EOD
0.221154 23.8522
0.326589 26.6718
0.508269 29.1445
0.659793 30.4915
0.905521 32.1738
1.23876 33.9167
2.34632 38.034
EOD
$c4 << EOD
0.119822 24.8338
0.239312 26.4546
0.479104 28.4386
0.959029 31.0239
1.9184 34.4248
3.83699 38.872
EOD
plot $c0 with linespoints lw 2 title 'spix:g:halftone', \
     $c1 with linespoints lw 2 title 'spix:ps+nlpe:c1:tonal', \
     $c2 with linespoints lw 2 title 'spix:grid:tonal', \
     $c3 with linespoints lw 2 title 'jpeg', \
     $c4 with linespoints lw 2 title 'jp2'
set terminal pngcairo size 900,600
set output 'rd.png'
replot
