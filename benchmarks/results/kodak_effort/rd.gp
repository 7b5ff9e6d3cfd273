set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 6 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.0699735 24.0484
0.104652 25.3557
0.169678 26.8754
0.269521 28.5279
0.394915 30.08
0.55916 31.5344
EOD
$c1 << EOD
0.0738322 24.384
0.106442 25.4615
0.172872 26.9722
0.273353 28.5766
0.388041 30.0201
0.550669 31.5126
EOD
$c2 << EOD
0.0752733 24.454
0.107737 25.5277
0.174906 27.0534
0.27596 28.6443
0.388909 30.0305
0.542748 31.4665
EOD
plot $c0 with linespoints lw 2 title 'spix:eed:tree:e7:tonal:qmap4:qauto:cfauto:c5:pf', \
     $c1 with linespoints lw 2 title 'spix:eed:tree:e8:tonal:qmap4:qauto:cfauto:c5:pf', \
     $c2 with linespoints lw 2 title 'spix:eed:tree:e9:tonal:qmap4:qauto:cfauto:c5:pf'
set terminal pngcairo size 900,600
set output 'rd.png'
replot
