/* fupin.cgi - placeholder until the web endpoint lands (issue 7). */
#include <stdio.h>
int main(void)
{
    fputs("Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nnot built yet\n", stdout);
    return 0;
}
