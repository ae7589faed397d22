<?php
$proxy = new SoapClient('http://magentohost/api/v2_soap/?wsdl'); 

$sessionId = $proxy->login((object)array('username' => 'apiUser', 'apiKey' => 'apiKey')); 
 
$result = $proxy->enterpriseCustomerbalanceBalance((object)array('sessionId' => $sessionId->result, 'customerId' => '4', 'websiteId' => '2'));   
var_dump($result->result);