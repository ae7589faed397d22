<?php
$proxy = new SoapClient('http://magentohost/api/soap/?wsdl');
$sessionId = $proxy->login('apiUser', 'apiKey');
$customerId = 4;
$websiteId = 2;

$balanceAmount = $proxy->call($sessionId, 'storecredit.balance', array($customerId, $websiteId));
