set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 24 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.0869793 21.8828
0.189897 23.2188
0.34775 24.3682
0.624077 25.8491
EOD
$c1 << EOD
0.0869793 22.0551
0.189897 23.4219
0.34775 24.6832
0.624077 26.1695
EOD
$c2 << EOD
0.221154 23.8522
0.326589 26.6718
0.508269 29.1445
0.659793 30.4915
0.905521 32.1738
1.23876 33.9167
2.34632 38.034
EOD
$c3 << EOD
0.119822 24.8338
0.239312 26.4546
0.479104 28.4386
0.959029 31.0239
1.9184 34.4248
3.83699 38.872
EOD
plot $c0 with linespoints lw 2 title 'spix:g:grid:notonal', \
     $c1 with linespoints lw 2 title 'spix:grid', \
     $c2 with linespoints lw 2 title 'jpeg', \
     $c3 with linespoints lw 2 title 'jp2'
set terminal pngcairo size 900,600
set output 'rd.png'
replot
